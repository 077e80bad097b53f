using System.Diagnostics;
using System.Diagnostics.Metrics;
using DirectAuth.Server.Storage;

namespace DirectAuth.Server.Observability.Telemetry;

/// <summary>
/// The server's own instruments, on one <see cref="Meter"/> named <c>DirectAuth</c> (docs/operations.md, "Metrics").
/// Labels are bounded and never personal: a grant type the server knows or <c>other</c>, an OAuth error code, a factor
/// kind, a provider name from the configuration. No login, user id, phone number, client id or secret.
/// </summary>
public sealed class DirectAuthMetrics
{
    public const string MeterName = "DirectAuth";

    private readonly Counter<long> _tokenRequests, _signIns, _mfaChallenges, _pushesSent, _pushesAnswered, _pushesExpired,
        _phoneSent, _phoneFailed, _lockouts, _rateLimited, _signatures;
    private readonly Histogram<double> _writeWait;
    private readonly Histogram<long> _writeBatch;

    public DirectAuthMetrics(IMeterFactory meters, IServiceScopeFactory scopes, TimeProvider clock)
    {
        var meter = meters.Create(MeterName);
        _tokenRequests = meter.CreateCounter<long>("directauth.token.requests", "{request}", "Token endpoint requests by grant type and outcome (success or the OAuth error code).");
        _signIns = meter.CreateCounter<long>("directauth.signins", "{signin}", "Primary sign-in attempts by factor and outcome (success, mfa_required or the OAuth error code).");
        _mfaChallenges = meter.CreateCounter<long>("directauth.mfa.challenges", "{challenge}", "Sign-ins that were asked for a second factor, by the primary factor.");
        _pushesSent = meter.CreateCounter<long>("directauth.push.sent", "{push}", "Push challenges sent to a device.");
        _pushesAnswered = meter.CreateCounter<long>("directauth.push.answered", "{push}", "Push challenges answered, by answer (approved or denied).");
        _pushesExpired = meter.CreateCounter<long>("directauth.push.expired", "{push}", "Push challenges that expired unanswered (counted by the expired-rows cleanup, within 5 minutes of the expiry).");
        _phoneSent = meter.CreateCounter<long>("directauth.phone.sent", "{message}", "SMS and voice messages handed to the provider, by provider and channel.");
        _phoneFailed = meter.CreateCounter<long>("directauth.phone.failed", "{message}", "SMS and voice messages the provider did not take, by provider and channel.");
        _lockouts = meter.CreateCounter<long>("directauth.lockouts", "{lockout}", "Logins that reached the failure cap and were locked.");
        _rateLimited = meter.CreateCounter<long>("directauth.rate_limit.refusals", "{request}", "Requests refused with 429, by endpoint group.");
        _signatures = meter.CreateCounter<long>("directauth.signing.operations", "{signature}", "Tokens signed, by JWS algorithm.");
        _writeWait = meter.CreateHistogram("directauth.db.write_gate.wait", "s", "How long a SQLite writer waited for the write gate.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15] });
        _writeBatch = meter.CreateHistogram("directauth.db.write.batch_size", "{row}", "Rows written per SaveChanges (one database round of writes).",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 2, 3, 5, 10, 25, 50, 100] });
        meter.CreateObservableGauge("directauth.oob.pending", () => PendingOob(scopes, clock), "{transaction}", "Out-of-band transactions (push, SMS, voice) waiting for the user.");
    }

    public static string GrantTypeLabel(string? grantType) => grantType is { Length: > 0 and <= 100 } g && KnownGrantTypes.Contains(g) ? g : "other";

    private static readonly HashSet<string> KnownGrantTypes = new(StringComparer.Ordinal)
    {
        "password", "refresh_token", "client_credentials", "authorization_code",
        "urn:okta:params:oauth:grant-type:otp", "urn:okta:params:oauth:grant-type:oob", "urn:okta:params:oauth:grant-type:webauthn",
        "http://auth0.com/oauth/grant-type/mfa-otp", "http://auth0.com/oauth/grant-type/mfa-oob", "http://auth0.com/oauth/grant-type/mfa-recovery-code",
        "urn:okta:params:oauth:grant-type:mfa-webauthn",
    };

    /// <summary>The primary factor a grant type signs in with, or null for grants that are not a sign-in.</summary>
    public static string? PrimaryFactorOf(string grantType) => grantType switch
    {
        "password" => "password",
        "urn:okta:params:oauth:grant-type:otp" => "otp",
        "urn:okta:params:oauth:grant-type:oob" => "oob",
        "urn:okta:params:oauth:grant-type:webauthn" => "passkey",
        _ => null,
    };

    public void TokenRequest(string grantType, string outcome)
    {
        _tokenRequests.Add(1, new("grant_type", grantType), new("outcome", outcome));
        if (PrimaryFactorOf(grantType) is { } factor && outcome != "authorization_pending" && outcome != "slow_down")
            _signIns.Add(1, new("factor", factor), new("outcome", outcome));
    }

    public void MfaChallenge(string primaryFactor) => _mfaChallenges.Add(1, new KeyValuePair<string, object?>("factor", primaryFactor));
    public void PushSent() => _pushesSent.Add(1);
    public void PushAnswered(bool approved) => _pushesAnswered.Add(1, new KeyValuePair<string, object?>("answer", approved ? "approved" : "denied"));
    public void PushesExpired(int count)
    {
        if (count > 0) _pushesExpired.Add(count);
    }

    public void PhoneMessage(string provider, string channel, bool delivered) =>
        (delivered ? _phoneSent : _phoneFailed).Add(1, new("provider", provider), new("channel", channel));

    public void Lockout() => _lockouts.Add(1);
    public void RateLimited(string group) => _rateLimited.Add(1, new KeyValuePair<string, object?>("group", group));
    public void Signed(string alg) => _signatures.Add(1, new KeyValuePair<string, object?>("alg", alg));
    public void WriteGateWaited(TimeSpan waited) => _writeWait.Record(waited.TotalSeconds);
    public void WriteBatch(int rows) => _writeBatch.Record(rows);

    private static int PendingOob(IServiceScopeFactory scopes, TimeProvider clock)
    {
        try
        {
            using var scope = scopes.CreateScope();
            if (scope.ServiceProvider.GetService<IPendingOutOfBand>() is not { } pending) return 0;
            var db = scope.ServiceProvider.GetRequiredService<DirectAuthDb>();
            return pending.CountPending(db, clock.GetUtcNow());
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException)
        {
            return 0; // the database is down: readiness says so; a scrape does not fail
        }
    }
}

/// <summary>The server's <see cref="ActivitySource"/>: a span per token request, with children for grant, policy, storage and delivery.</summary>
public static class DirectAuthActivities
{
    public const string SourceName = "DirectAuth";
    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>A child span of the current one (null when nothing listens): <c>using var _ = DirectAuthActivities.Start("directauth.policy");</c></summary>
    public static Activity? Start(string name, ActivityKind kind = ActivityKind.Internal) => Source.StartActivity(name, kind);
}
