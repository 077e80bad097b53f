using System.Text;
using DirectAuth.Protocol;
using DirectAuth.Server.Applications;
using DirectAuth.Server.AuthorizationServers;
using DirectAuth.Server.Http;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Security;

using Microsoft.Extensions.Options;

namespace DirectAuth.Server.ClientAuthentication;

/// <summary>
/// Authenticates the client of an OAuth request with exactly one method: <c>none</c> (client_id in the
/// body), <c>client_secret_basic</c>, <c>client_secret_post</c> or <c>private_key_jwt</c>. More than one
/// method is <c>400 invalid_request</c>; anything wrong with the credentials is <c>401 invalid_client</c>.
/// </summary>
public sealed class ClientAuthenticator(ApplicationCache applications, IServiceProvider services)
{
    // Resolved when needed: a public client's request (every poll of an out-of-band sign-in) needs neither,
    // and both would take a database context from the pool.
    private PrivateKeyJwtValidator JwtValidator => services.GetRequiredService<PrivateKeyJwtValidator>();

    private static readonly byte[] DummyHash = Secrets.Hash("timing-equalizer");

    public sealed record Result(Application? Client, OAuthError? Error);

    public async Task<Result> AuthenticateAsync(OAuthContext context, FormBody form, string? authorization, string endpoint, CancellationToken ct)
    {
        var result = await AuthenticateCoreAsync(context, form, authorization, endpoint, ct);
        // RFC 6749 section 5.2: a 401 to a client that tried the Authorization header names the scheme it tried.
        if (result.Error is { Status: 401 } error && authorization?.StartsWith("Basic", StringComparison.OrdinalIgnoreCase) == true)
            return result with { Error = error with { Headers = new Dictionary<string, string> { ["WWW-Authenticate"] = "Basic realm=\"DirectAuth\"" } } };
        return result;
    }

    private async Task<Result> AuthenticateCoreAsync(OAuthContext context, FormBody form, string? authorization, string endpoint, CancellationToken ct)
    {
        var basic = ParseBasic(authorization, out var basicMalformed);
        if (basicMalformed) return await FailAsync(null, "The Basic authorization header is malformed.");
        var presented = (basic is not null ? 1 : 0) + (form.Has(Parameters.ClientSecret) ? 1 : 0) + (form.Has(Parameters.ClientAssertion) ? 1 : 0);
        if (presented > 1) return Fail(OAuthError.InvalidRequest("Only one client authentication method may be used in a request."));

        if (form.Has(Parameters.ClientAssertion))
            return await AuthenticateAssertionAsync(context, form, endpoint, ct);

        var clientId = basic?.Id ?? form[Parameters.ClientId];
        if (clientId is null) return Fail(OAuthError.InvalidClient("Client authentication failed: no client_id or client credentials were provided."));
        if (basic is not null && form[Parameters.ClientId] is { } bodyId && bodyId != basic.Value.Id)
            return Fail(OAuthError.InvalidRequest("The client_id in the body does not match the Authorization header."));

        var client = await FindAsync(clientId, ct);
        var secret = basic?.Secret ?? form[Parameters.ClientSecret];
        if (client is null)
        {
            if (secret is not null) Secrets.Matches(secret, DummyHash);
            return await FailAsync(clientId, "The client is unknown or inactive.");
        }

        switch (client.TokenEndpointAuthMethod)
        {
            case AuthMethods.None:
                if (secret is not null) return await FailAsync(clientId, "The client is public and must not send a client secret.");
                return new Result(client, null);
            case AuthMethods.ClientSecretBasic or AuthMethods.ClientSecretPost:
                if (secret is null) return await FailAsync(clientId, "The client must authenticate with its client secret.");
                if (!Secrets.Matches(secret, client.ClientSecretHash)) return await FailAsync(clientId, "The client secret is wrong.");
                return new Result(client, null);
            default:
                return await FailAsync(clientId, "The client must authenticate with a client_assertion (private_key_jwt).");
        }
    }

    private async Task<Result> AuthenticateAssertionAsync(OAuthContext context, FormBody form, string endpoint, CancellationToken ct)
    {
        if (form[Parameters.ClientAssertionType] != Parameters.JwtBearerAssertionType)
            return Fail(OAuthError.InvalidRequest($"The 'client_assertion_type' must be '{Parameters.JwtBearerAssertionType}'."));
        var assertion = form[Parameters.ClientAssertion]!;
        var clientId = PrivateKeyJwtValidator.ReadClientId(assertion) ?? form[Parameters.ClientId];
        if (clientId is null) return await FailAsync(null, "The client_assertion has no issuer.");
        if (form[Parameters.ClientId] is { } bodyId && bodyId != clientId)
            return Fail(OAuthError.InvalidRequest("The client_id does not match the client_assertion."));
        var client = await FindAsync(clientId, ct);
        if (client is null) return await FailAsync(clientId, "The client is unknown or inactive.");
        if (client.TokenEndpointAuthMethod != AuthMethods.PrivateKeyJwt)
            return await FailAsync(clientId, $"The client is not configured for private_key_jwt.");
        var problem = await JwtValidator.ValidateAsync(context, client, assertion, endpoint, ct);
        return problem is null ? new Result(client, null) : await FailAsync(clientId, problem);
    }

    private async Task<Application?> FindAsync(string clientId, CancellationToken ct)
    {
        if (clientId.Length > 200 || clientId.Contains('\0', StringComparison.Ordinal)) return null;
        var client = await applications.FindAsync(clientId, ct); // every token request, every poll
        return client is { Status: "ACTIVE" } ? client : null;
    }

    private async Task<Result> FailAsync(string? clientId, string reason)
    {
        // Summarised per source, client id and reason (RefusalSummaries): guessing secrets or sending garbage
        // client ids does not write an event per request.
        await services.GetRequiredService<RefusalSummaries>().RecordAsync(new Refusal(EventTypes.ClientAuthFailed, reason, "Client authentication failed",
            TimeSpan.FromSeconds(services.GetRequiredService<IOptions<SystemLogOptions>>().Value.TokenRefusalIntervalSeconds))
        {
            ClientId = clientId,
        });
        return Fail(OAuthError.InvalidClient($"Client authentication failed. {reason}"));
    }

    private static Result Fail(OAuthError error) => new(null, error);

    private static (string Id, string Secret)? ParseBasic(string? authorization, out bool malformed)
    {
        malformed = false;
        if (authorization is null || !authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return null;
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[6..].Trim()));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
                return (Uri.UnescapeDataString(decoded[..colon].Replace('+', ' ')), Uri.UnescapeDataString(decoded[(colon + 1)..].Replace('+', ' ')));
        }
        catch (FormatException) { }
        malformed = true;
        return null;
    }
}
