using DirectAuth.Protocol;
using DirectAuth.Server.Http;

namespace DirectAuth.Server.Policies;

/// <summary>What a policy makes of a sign-in that proved its primary factor.</summary>
public abstract record SignInDecision
{
    /// <summary>Enough: issue tokens with this <c>acr</c>.</summary>
    /// <summary>Enough: issue tokens with this <c>acr</c>; <see cref="TwoFactors"/>: the primary factor counted as two (<c>amr</c> gets <c>mfa</c>).</summary>
    public sealed record Allow(string Acr, bool TwoFactors = false) : SignInDecision;

    /// <summary>Refused; <see cref="Reason"/> goes to the system log.</summary>
    public sealed record Deny(OAuthError Error, string Reason) : SignInDecision;

    /// <summary>A second factor is needed; the client can continue with any of <see cref="Kinds"/>.</summary>
    public sealed record NeedSecondFactor(IReadOnlyList<string> Kinds) : SignInDecision;

    public static readonly OAuthError PolicyFailed = new(400, Errors.AccessDenied,
        "Policy evaluation failed for this request, please check the policy configurations.");

    public static readonly OAuthError NoAcceptedFactor = new(400, Errors.AccessDenied, ErrorDescriptions.NoEnrolledFactor);

    /// <summary>The <see cref="Deny.Reason"/> of <see cref="NoAcceptedFactor"/>.</summary>
    public const string NoAcceptedFactorReason = "NO_ACCEPTED_FACTOR_ENROLLED";

    public static OAuthError ClientCannotContinue(IEnumerable<string> grants) => new(400, Errors.AccessDenied,
        "The app's sign-on policy requires an additional factor, but this client cannot continue with any factor the user has. " +
        $"It would need one of these grant types (enabled on the app and listed in 'grant_types_supported'): {string.Join(", ", grants)}.");

    /// <summary>
    /// Applies <paramref name="policy"/> to a sign-in whose primary factor was <paramref name="primary"/>.
    /// A second factor is needed when the rule says <c>required</c>, or <c>if_enrolled</c> and the user has an
    /// active factor the rule accepts other than the primary one (recovery codes alone never trigger it).
    /// The second factor must differ from the primary. <paramref name="clientCanUse"/> says whether the
    /// client can continue with a grant type. <paramref name="passkeyWithUv"/>: the primary factor was a passkey
    /// with user verification, which satisfies the rule on its own when the rule says so (<c>passkeyCountsAsTwoFactors</c>).
    /// </summary>
    public static SignInDecision Decide(EffectivePolicy policy, string primary, IReadOnlySet<string> enrolled, Func<string, bool> clientCanUse,
        bool passkeyWithUv = false)
    {
        if (!policy.AllowsPrimary(primary)) return new Deny(PolicyFailed, "PRIMARY_FACTOR_NOT_ALLOWED");
        if (primary == FactorKinds.Webauthn && passkeyWithUv && policy.PasskeyCountsAsTwoFactors) return new Allow(Acr.PhishingResistant, TwoFactors: true);

        var accepted = enrolled.Where(k => k != primary && policy.AcceptsSecond(k)).OrderBy(k => Array.IndexOf(FactorKinds.SecondNames, k)).ToList();
        var hasRealFactor = accepted.Any(k => k != FactorKinds.RecoveryCode);
        var needed = policy.SecondFactor switch
        {
            SecondFactorModes.Required => true,
            SecondFactorModes.IfEnrolled => hasRealFactor,
            _ => false,
        };
        if (!needed) return new Allow(Acr.SingleFactor(primary));
        if (accepted.Count == 0) return new Deny(NoAcceptedFactor, NoAcceptedFactorReason);

        var usable = accepted.Where(k => clientCanUse(FactorKinds.SecondFactorGrant(k))).ToList();
        if (usable.Count == 0)
            return new Deny(ClientCannotContinue(accepted.Select(FactorKinds.SecondFactorGrant).Distinct()), "CLIENT_CANNOT_CONTINUE");
        return new NeedSecondFactor(usable);
    }
}
