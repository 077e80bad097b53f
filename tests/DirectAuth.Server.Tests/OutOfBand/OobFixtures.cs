using DirectAuth.Server.Tests.Infrastructure;

namespace DirectAuth.Server.Tests.OutOfBand;

// When a push carries a number challenge is each app's policy (OobKit.RegisterAppAsync); these fixtures
// change the server settings that are not part of a policy.

/// <summary>Number challenges are a six-digit code the user types into the app.</summary>
public class TypedNumberChallengeFixture : ServerFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["OutOfBand:Push:NumberChallengeStyle"] = "type",
    };
}

/// <summary>Small push limits: 2 pending, 4 per hour.</summary>
public class PushLimitsFixture : ServerFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["OutOfBand:Push:MaxPendingPerUser"] = "2",
        ["OutOfBand:Push:MaxPerWindow"] = "4",
        ["OutOfBand:Push:WindowSeconds"] = "3600",
    };
}

/// <summary>A keep-alive on the event stream every second.</summary>
public class FastKeepAliveFixture : ServerFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["OutOfBand:Push:KeepAliveSeconds"] = "1",
    };
}
