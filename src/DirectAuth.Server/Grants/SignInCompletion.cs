using DirectAuth.Protocol;
using DirectAuth.Server.Http;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Policies;
using DirectAuth.Server.Settings;
using DirectAuth.Server.Tokens;
using DirectAuth.Server.Transactions;
using DirectAuth.Server.Users;

namespace DirectAuth.Server.Grants;

/// <summary>
/// The last step of every user sign-in grant, after the primary factor has been proven: applies the app's
/// sign-on policy (<see cref="SignInDecision.Decide"/>). Enough → tokens. A second factor needed → an MFA
/// transaction and HTTP 403 <c>mfa_required</c> with its <c>mfa_token</c>. Refused → the policy's error,
/// also when the client cannot continue with any factor the user has (<c>grant_types_supported</c>).
/// A login at the failure cap is refused as locked; tokens reset its failure counts (<see cref="LockoutService"/>).
/// The request's <c>acr_values</c> can make the policy stricter, never weaker (<see cref="SignInRequirements"/>).
/// A user with no factor may get a token to enroll one (<see cref="FirstFactorEnrollment"/>).
/// </summary>
public sealed class SignInCompletion(PolicyEvaluator policies, MfaTransactions transactions, SignInTokens tokens, AuditLog audit, LockoutService lockout,
    Microsoft.Extensions.Options.IOptions<MfaOptions> mfaOptions, Observability.Telemetry.DirectAuthMetrics metrics)
{
    public static readonly string MfaRequiredDescription = "Verify with an additional authenticator to complete the sign-in process.";

    /// <param name="amr">What the primary factor proved (RFC 8176), e.g. <c>["pwd"]</c>.</param>
    /// <param name="factor">The primary factor's kind (<see cref="FactorKinds"/>); when null, read from <paramref name="amr"/>.</param>
    /// <param name="passkeyWithUv">The primary factor was a passkey with user verification (it may count as two factors).</param>
    public async Task<GrantOutcome> CompleteAsync(TokenRequest request, User user, IReadOnlyList<string> scopes, IReadOnlyList<string> amr,
        CancellationToken ct, string? factor = null, bool passkeyWithUv = false)
    {
        var primary = factor ?? FactorKinds.FromAmr(amr);
        var (acr, requirementError) = SignInRequirements.Read(request.Form);
        if (requirementError is not null) return requirementError;
        if (await lockout.IsCappedAsync(LockoutService.KeyFor(user.Login), ct)) return SignInErrors.LockedOut;
        using var span = Observability.Telemetry.DirectAuthActivities.Start("directauth.policy");
        var policy = SignInRequirements.Apply(await policies.ForAsync(request.Client, user, ct), acr);
        var enrolled = await policies.EnrolledAsync(user, ct);
        span?.Dispose();
        var supported = request.Form[Parameters.GrantTypesSupported]?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var decision = SignInDecision.Decide(policy, primary, enrolled,
            grant => request.Client.Allows(grant) && (supported is null || supported.Contains(grant, StringComparer.Ordinal)), passkeyWithUv);

        switch (decision)
        {
            case SignInDecision.Allow allow:
                await RecordAsync(request, user, policy, Outcomes.Success, "ALLOW", primary, ct);
                var issued = await tokens.IssueAsync(request, user, scopes, allow.TwoFactors ? [.. amr, Amr.Mfa] : amr, allow.Acr, ct);
                if (issued.Tokens is not null) await lockout.ResetAsync(user.Login, ct);
                return issued;
            case SignInDecision.NeedSecondFactor need:
                var mfaToken = await transactions.StartAsync(request, user, scopes, amr, primary, need.Kinds, ct);
                metrics.MfaChallenge(primary);
                await RecordAsync(request, user, policy, "CHALLENGE", "MFA_REQUIRED " + string.Join(' ', need.Kinds), primary, ct);
                return new OAuthError(403, Errors.MfaRequired, MfaRequiredDescription) { MfaToken = mfaToken };
            case SignInDecision.Deny { Reason: SignInDecision.NoAcceptedFactorReason }
                when FirstFactorEnrollment.Allows(mfaOptions.Value.FirstFactorEnrollment, request, scopes, enrolled):
                await RecordAsync(request, user, policy, Outcomes.Success, FirstFactorEnrollment.Reason, primary, ct);
                return await tokens.IssueAsync(request, user, scopes, amr, Acr.SingleFactor(primary), ct);
            case SignInDecision.Deny deny:
                await RecordAsync(request, user, policy, Outcomes.Deny, deny.Reason, primary, ct);
                return deny.Error;
            default:
                throw new InvalidOperationException("Unknown sign-in decision.");
        }
    }

    private Task RecordAsync(TokenRequest request, User user, EffectivePolicy policy, string outcome, string reason, string primary, CancellationToken ct) =>
        audit.RecordAsync(new AuditEntry(MfaEventTypes.PolicyEvaluated, outcome, "Evaluation of sign-on policy")
        {
            Reason = reason, ActorId = user.Id, ActorType = "User", ActorAlternateId = user.Login, ClientId = request.Client.ClientId,
            TargetId = policy.PolicyId, TargetType = "AuthenticationPolicy",
            Details = new Dictionary<string, string> { ["rule"] = policy.RuleId, ["ruleName"] = policy.RuleName, ["primaryFactor"] = primary },
        }, ct);
}
