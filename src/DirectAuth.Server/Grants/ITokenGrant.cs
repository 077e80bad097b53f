using DirectAuth.Server.Tokens;

namespace DirectAuth.Server.Grants;

/// <summary>One grant type at the token endpoint. Register with <c>AddScoped&lt;ITokenGrant, T&gt;()</c>; discovery lists it.</summary>
public interface ITokenGrant
{
    string GrantType { get; }

    Task<GrantOutcome> HandleAsync(TokenRequest request, CancellationToken ct);
}
