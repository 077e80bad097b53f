using System.Security.Cryptography;
using System.Text;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Security;
using DirectAuth.Server.Settings;
using DirectAuth.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.Authenticators;

public enum TotpResult { Valid, Invalid, Malformed, Replayed, Locked }

/// <summary>
/// Checks a TOTP code against an enrolled factor. Accepts the current time step and one either side,
/// compares in constant time, never accepts a step at or before the last accepted one (a replay, logged, which
/// is not a guess and does not use up a try), and allows <c>Mfa:TotpMaxFailures</c> wrong codes per <c>Mfa:TotpFailureWindowSeconds</c> per factor.
/// Each attempt first takes a slot in the failure window with one conditional update, so parallel
/// guesses cannot exceed the limit; a valid code frees the window.
/// </summary>
public sealed class TotpVerifier(DirectAuthDb db, SecretProtector protector, TimeProvider clock, IOptions<MfaOptions> options, AuditLog audit)
{
    private static readonly byte[] DummyKey = RandomNumberGenerator.GetBytes(20);
    private readonly MfaOptions _options = options.Value;

    /// <summary>Checks <paramref name="code"/> for <paramref name="factor"/> (as loaded; the checks that matter are atomic updates).</summary>
    public async Task<TotpResult> VerifyAsync(Factor factor, string? code, string? clientId, CancellationToken ct)
    {
        var settings = TotpSettings.Of(factor);
        if (!settings.IsWellFormed(code))
            return await RecordAsync(factor, TotpResult.Malformed, clientId, ct);
        var slot = await TakeAttemptAsync(factor.Id, ct);
        var key = protector.Unprotect(factor.SealedSecret!);
        var matched = Match(key, code!, settings);
        CryptographicOperations.ZeroMemory(key);
        if (!slot)
        {
            // Locked: the code is not looked at, but the work is the same as for a wrong one.
            await RecordAsync(factor, TotpResult.Locked, clientId, ct);
            await db.Set<Factor>().AsNoTracking().Where(f => f.Id == factor.Id).Select(f => f.FailedAttempts).FirstOrDefaultAsync(ct);
            return TotpResult.Locked;
        }

        if (matched is not { } step)
            return await FailAsync(factor, TotpResult.Invalid, clientId, ct);
        var accepted = await db.Set<Factor>()
            .Where(f => f.Id == factor.Id && (f.LastUsedStep == null || f.LastUsedStep < step))
            .ExecuteUpdateAsync(s => s
                .SetProperty(f => f.LastUsedStep, step)
                .SetProperty(f => f.FailedAttempts, 0)
                .SetProperty(f => f.FailureWindowStart, (DateTimeOffset?)null), ct);
        if (accepted == 1) return await RecordAsync(factor, TotpResult.Valid, clientId, ct);
        // The right code again (a replay, or the loser of a race with the request that used it): not a guess,
        // so it gives its slot in the failure window back. It is still refused and logged.
        await db.Set<Factor>().Where(f => f.Id == factor.Id && f.FailedAttempts > 0)
            .ExecuteUpdateAsync(s => s.SetProperty(f => f.FailedAttempts, f => f.FailedAttempts - 1), ct);
        return await RecordAsync(factor, TotpResult.Replayed, clientId, ct);
    }

    /// <summary>
    /// The same work as a wrong code for a real factor — the conditional update, a decryption, the HMACs and
    /// comparisons, a system log entry and the re-read of the attempt count — for a sign-in naming a login
    /// that does not exist or has no TOTP factor: the answer and its timing must not tell them apart.
    /// </summary>
    public async Task<TotpResult> VerifyNobodyAsync(string? login, string? code, string? clientId, CancellationToken ct)
    {
        if (!TotpSettings.Default.IsWellFormed(code)) return TotpResult.Malformed;
        const string nobody = "-none-";
        await TakeAttemptAsync(nobody, ct);
        var key = protector.Unprotect(protector.Protect(DummyKey));
        Match(key, code!, TotpSettings.Default);
        await audit.RecordAsync(new AuditEntry(MfaEventTypes.Verify, Outcomes.Failure, "Authentication of user via TOTP")
        {
            Reason = "NO_TOTP_FACTOR", ActorType = "User", ActorAlternateId = login, ClientId = clientId,
            Details = new Dictionary<string, string> { ["factorType"] = FactorTypes.Totp },
        }, ct);
        await db.Set<Factor>().AsNoTracking().Where(f => f.Id == nobody).Select(f => f.FailedAttempts).FirstOrDefaultAsync(ct);
        return TotpResult.Invalid;
    }

    private long? Match(byte[] key, string code, TotpSettings settings)
    {
        var presented = Encoding.ASCII.GetBytes(code);
        var current = Totp.StepAt(clock.GetUtcNow(), settings.StepSeconds);
        long? matched = null;
        // Every step of the window is computed and compared, without an early exit, so timing does not tell which matched.
        for (var step = current - 1; step <= current + 1; step++)
        {
            var expected = Encoding.ASCII.GetBytes(Totp.Hotp(key, step, settings.Digits, settings.Algorithm));
            if (CryptographicOperations.FixedTimeEquals(expected, presented)) matched = step;
        }
        return matched;
    }

    private async Task<bool> TakeAttemptAsync(string factorId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var windowOpen = now.AddSeconds(-_options.TotpFailureWindowSeconds);
        var max = _options.TotpMaxFailures;
        var taken = await db.Set<Factor>()
            .Where(f => f.Id == factorId && (f.FailureWindowStart == null || f.FailureWindowStart <= windowOpen || f.FailedAttempts < max))
            .ExecuteUpdateAsync(s => s
                .SetProperty(f => f.FailedAttempts, f => f.FailureWindowStart == null || f.FailureWindowStart <= windowOpen ? 1 : f.FailedAttempts + 1)
                .SetProperty(f => f.FailureWindowStart, f => f.FailureWindowStart == null || f.FailureWindowStart <= windowOpen ? now : f.FailureWindowStart), ct);
        return taken == 1;
    }

    private async Task<TotpResult> FailAsync(Factor factor, TotpResult result, string? clientId, CancellationToken ct)
    {
        await RecordAsync(factor, result, clientId, ct);
        var attempts = await db.Set<Factor>().AsNoTracking().Where(f => f.Id == factor.Id).Select(f => f.FailedAttempts).FirstOrDefaultAsync(ct);
        if (attempts >= _options.TotpMaxFailures)
            await audit.RecordAsync(new AuditEntry(MfaEventTypes.FactorLocked, Outcomes.Deny, "TOTP authenticator refuses codes after too many wrong ones")
            {
                Severity = "WARN", ActorId = factor.UserId, ActorType = "User", ClientId = clientId, TargetId = factor.Id, TargetType = "UserFactor",
                Details = new Dictionary<string, string> { ["lockedForSeconds"] = _options.TotpFailureWindowSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            }, ct);
        return result;
    }

    private async Task<TotpResult> RecordAsync(Factor factor, TotpResult result, string? clientId, CancellationToken ct)
    {
        var entry = result switch
        {
            TotpResult.Valid => new AuditEntry(MfaEventTypes.Verify, Outcomes.Success, "Authentication of user via TOTP"),
            TotpResult.Replayed => new AuditEntry(MfaEventTypes.OtpReplay, Outcomes.Deny, "TOTP code replayed") { Severity = "WARN", Reason = "OTP_REPLAYED" },
            _ => new AuditEntry(MfaEventTypes.Verify, Outcomes.Failure, "Authentication of user via TOTP")
            {
                Reason = result switch { TotpResult.Malformed => "MALFORMED_OTP", TotpResult.Locked => "FACTOR_LOCKED", _ => "INVALID_OTP" },
            },
        };
        await audit.RecordAsync(entry with
        {
            ActorId = factor.UserId, ActorType = "User", ClientId = clientId, TargetId = factor.Id, TargetType = "UserFactor",
            Details = new Dictionary<string, string> { ["factorType"] = factor.FactorType },
        }, ct);
        return result;
    }
}
