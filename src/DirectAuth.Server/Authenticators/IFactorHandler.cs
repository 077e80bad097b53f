using System.Text.Json;
using DirectAuth.Server.Users;

namespace DirectAuth.Server.Authenticators;

/// <summary>What an enrollment request carries to the handler of its factor type.</summary>
public sealed record FactorEnrollment(HttpContext Http, User User, JsonElement Body, string Origin);

/// <summary>
/// One factor type of the Factors API (<c>/api/v1/users/{id}/factors</c>). Each authenticator feature
/// registers one (<c>AddScoped&lt;IFactorHandler, T&gt;()</c>); <c>FactorsApi</c> routes by <c>factorType</c>.
/// </summary>
public interface IFactorHandler
{
    /// <summary>The <c>factorType</c> this handler serves, see <see cref="FactorTypes"/>.</summary>
    string FactorType { get; }

    /// <summary>POST /users/{id}/factors for this type: create the factor (usually PENDING_ACTIVATION) and answer Okta-shaped.</summary>
    Task<IResult> EnrollAsync(FactorEnrollment request, CancellationToken ct);

    /// <summary>POST .../factors/{fid}/lifecycle/activate with the body (e.g. <c>passCode</c>).</summary>
    Task<IResult> ActivateAsync(Factor factor, User user, JsonElement body, string origin, CancellationToken ct);

    /// <summary>The factor as the API shows it (never a secret).</summary>
    Dictionary<string, object?> Represent(Factor factor, string origin);
}
