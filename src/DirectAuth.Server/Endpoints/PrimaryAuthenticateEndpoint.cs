using DirectAuth.Protocol;
using DirectAuth.Server.AuthorizationServers;
using DirectAuth.Server.ClientAuthentication;
using DirectAuth.Server.Http;
using DirectAuth.Server.Observability;
using DirectAuth.Server.OutOfBand;
using DirectAuth.Server.Passkeys;

namespace DirectAuth.Server.Endpoints;

/// <summary>
/// POST {base}/v1/primary-authenticate and its old name {base}/v1/oob-authenticate: start an out-of-band
/// factor as the primary factor (PROTOCOL.md section 5). Same behaviour on both paths, except that
/// <c>challenge_hint</c> is required on the new path (Okta's current API requires it) and optional on the old
/// one (Okta's Kotlin SDK and older clients do not send it); when present it must name the OOB grant, or the
/// webauthn grant: then a passkey challenge is issued instead (<see cref="WebAuthnChallenger"/>, PROTOCOL.md section 9).
/// </summary>
public static class PrimaryAuthenticateEndpoint
{
    public const string Name = "primary-authenticate";
    public const string OldName = "oob-authenticate";
    private static readonly string[] KnownChannels = [Channels.Push, Channels.Sms, Channels.Voice];

    public static void MapPrimaryAuthenticateEndpoint(this IEndpointRouteBuilder app)
    {
        app.MapOAuth(Name, ["POST"], (HttpContext http, ServerDirectory directory, OAuthRequestReader reader, ClientAuthenticator clients, OobStarter starter, AuditLog audit) =>
            HandleAsync(http, Name, directory, reader, clients, starter, audit));
        app.MapOAuth(OldName, ["POST"], (HttpContext http, ServerDirectory directory, OAuthRequestReader reader, ClientAuthenticator clients, OobStarter starter, AuditLog audit) =>
            HandleAsync(http, OldName, directory, reader, clients, starter, audit));
    }

    private static async Task<IResult> HandleAsync(
        HttpContext http, string name, ServerDirectory directory, OAuthRequestReader reader, ClientAuthenticator clients, OobStarter starter, AuditLog audit)
    {
        var ct = http.RequestAborted;
        var (context, notFound) = await OAuthRoutes.ResolveAsync(http, directory);
        if (context is null) return notFound!;
        var (form, formError) = await reader.ReadAsync(http.Request, ct);
        if (form is null) return new OAuthErrorResult(formError!);
        var (client, clientError) = await clients.AuthenticateAsync(context, form, http.Request.Headers.Authorization, context.EndpointUrl(name), ct);
        if (client is null) return new OAuthErrorResult(clientError!);
        if (form[Parameters.ChallengeHint] == GrantTypes.Webauthn)
            return await http.RequestServices.GetRequiredService<WebAuthnChallenger>().StartAsync(context, client, form, ct);

        var error = Validate(form, name, client.GrantTypeList, out var loginHint, out var channelHint);
        var channel = error is null ? starter.FindChannel(channelHint!) : null;
        if (error is null && channel is null)
            error = new OAuthError(400, Errors.UnsupportedChallengeType, $"The '{channelHint}' channel is not available on this server.");
        if (error is not null)
        {
            await audit.RecordAsync(new AuditEntry(OobEvents.Started, Outcomes.Failure, "Out-of-band challenge request refused")
            {
                Reason = error.Error, ClientId = client.ClientId, ActorId = client.ClientId, ActorType = "Client",
                Details = new Dictionary<string, string> { ["error_description"] = error.LoggedDescription },
            }, ct);
            return new OAuthErrorResult(error);
        }

        var (started, startError) = await starter.StartAsync(new OobStartRequest(context, client, channel!) { LoginHint = loginHint }, ct);
        if (started is null) return new OAuthErrorResult(startError!);
        return new WireResult<OobAuthenticateResponse>(200, started.ToResponse(), ProtocolJsonContext.Wire.OobAuthenticateResponse);
    }

    private static OAuthError? Validate(FormBody form, string name, IReadOnlyList<string> clientGrants, out string? loginHint, out string? channelHint)
    {
        loginHint = form[Parameters.LoginHint];
        channelHint = form[Parameters.ChannelHint];
        if (!clientGrants.Contains(GrantTypes.Oob))
            return new OAuthError(400, Errors.UnauthorizedClient,
                $"The client is not authorized to use the provided grant type. Configured grant types: [{string.Join(", ", clientGrants)}].");
        var challengeHint = form[Parameters.ChallengeHint];
        if (challengeHint is null && name == Name) return OAuthError.MissingParameter(Parameters.ChallengeHint);
        if (challengeHint is not null && challengeHint != GrantTypes.Oob)
            return OAuthError.InvalidRequest($"The '{Parameters.ChallengeHint}' must be '{GrantTypes.Oob}' or '{GrantTypes.Webauthn}'.");
        if (loginHint is null) return OAuthError.MissingParameter(Parameters.LoginHint);
        if (loginHint.Length > 256) return OAuthError.InvalidRequest($"The '{Parameters.LoginHint}' is longer than 256 characters.");
        if (channelHint is null) return OAuthError.MissingParameter(Parameters.ChannelHint);
        if (!KnownChannels.Contains(channelHint))
            return OAuthError.InvalidRequest($"The '{Parameters.ChannelHint}' must be one of: {string.Join(", ", KnownChannels)}.");
        return null;
    }
}
