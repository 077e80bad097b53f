namespace DirectAuth.Server.Observability;

/// <summary>System log event types of multifactor sign-in, named as Okta's System Log names them where Okta has one.</summary>
public static class MfaEventTypes
{
    /// <summary>A policy was applied to a sign-in: outcome ALLOW, CHALLENGE (mfa_required) or DENY.</summary>
    public const string PolicyEvaluated = "policy.evaluate_sign_on";
    /// <summary>A second factor was asked for at <c>/challenge</c>.</summary>
    public const string Challenge = "user.authentication.auth_via_mfa.challenge";
    /// <summary>A second factor was verified (SUCCESS) or refused (FAILURE: wrong, malformed, replayed, locked).</summary>
    public const string Verify = "user.authentication.auth_via_mfa";
    /// <summary>A TOTP code was presented again for a time step already used.</summary>
    public const string OtpReplay = "user.authentication.auth_via_mfa.replay";
    /// <summary>A TOTP authenticator stopped accepting codes after too many wrong ones.</summary>
    public const string FactorLocked = "user.mfa.factor.lock";
    /// <summary>An mfa_token ended after too many wrong codes.</summary>
    public const string TransactionLocked = "user.authentication.mfa_transaction.lock";
    public const string FactorEnrolled = "user.mfa.factor.enroll";
    public const string FactorActivated = "user.mfa.factor.activate";
    public const string RecoveryCodesGenerated = "user.mfa.recovery_codes.generate";
    public const string RecoveryCodesRevoked = "user.mfa.recovery_codes.revoke";
    public const string GroupCreated = "group.lifecycle.create";
    public const string GroupDeleted = "group.lifecycle.delete";
    public const string GroupMemberAdded = "group.user_membership.add";
    public const string GroupMemberRemoved = "group.user_membership.remove";
    public const string PolicyCreated = "policy.lifecycle.create";
    public const string PolicyUpdated = "policy.lifecycle.update";
    public const string PolicyDeleted = "policy.lifecycle.delete";
    public const string PolicyRuleAdded = "policy.rule.add";
    public const string PolicyRuleUpdated = "policy.rule.update";
    public const string PolicyRuleDeleted = "policy.rule.delete";
    public const string AppPolicyAssigned = "application.policy.sign_on.update";
}
