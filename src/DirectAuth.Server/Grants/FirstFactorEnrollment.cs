using DirectAuth.Protocol;
using DirectAuth.Server.Policies;
using DirectAuth.Server.Tokens;

namespace DirectAuth.Server.Grants;

/// <summary>
/// A user the policy would refuse for having no second factor (<see cref="SignInDecision.NoAcceptedFactor"/>) may still
/// enroll the first one, as Okta has them do at their first sign-in: a sign-in at the org server that asks only for
/// <see cref="Scopes"/> gets an access token with those scopes, and nothing else (no ID token, no refresh token). With
/// it the MyAccount API lets the user add exactly one factor: once one is active, its step-up rule asks for a sign-in
/// that used it. Only for a user with no factor at all (unused recovery codes aside); off with <c>Mfa:FirstFactorEnrollment=false</c>.
/// </summary>
public static class FirstFactorEnrollment
{
    /// <summary>What such a sign-in may ask for: reading and enrolling authenticators and phones.</summary>
    public static readonly string[] Scopes =
        [MyAccountScopes.AuthenticatorsRead, MyAccountScopes.AuthenticatorsManage, MyAccountScopes.PhoneRead, MyAccountScopes.PhoneManage];

    /// <summary>The system log reason of a sign-in allowed this way.</summary>
    public const string Reason = "ENROLL_FIRST_FACTOR";

    public static bool Allows(bool enabled, TokenRequest request, IReadOnlyList<string> scopes, IReadOnlySet<string> enrolled) =>
        enabled && request.Context.Server.IsOrg && scopes.Count > 0 && scopes.All(Scopes.Contains)
        && enrolled.All(k => k == FactorKinds.RecoveryCode);
}
