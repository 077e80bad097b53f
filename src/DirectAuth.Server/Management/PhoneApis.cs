namespace DirectAuth.Server.Management;

/// <summary>The phone management endpoints (the services: <c>AddPhoneFactors</c>).</summary>
public static class PhoneApis
{
    /// <summary>The management endpoints: <c>/outbox</c> and the phone factors' <c>/resend</c>.</summary>
    public static RouteGroupBuilder MapPhoneApis(this RouteGroupBuilder api)
    {
        api.MapOutboxApi();
        api.MapPhoneFactorsApi();
        return api;
    }
}
