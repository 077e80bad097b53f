namespace DirectAuth.Server.Endpoints;

/// <summary>The out-of-band endpoints: <c>/primary-authenticate</c> and the push channel's authenticator app endpoints.</summary>
public static class OutOfBandEndpoints
{
    public static IEndpointRouteBuilder MapOutOfBand(this IEndpointRouteBuilder app)
    {
        app.MapPrimaryAuthenticateEndpoint();
        app.MapPushChannelEndpoints();
        return app;
    }
}
