using DirectAuth.Server.Tests.Infrastructure;

namespace DirectAuth.Server.Tests.OutOfBand;

/// <summary>A server whose pushes never carry a number challenge (unless the user denied one recently).</summary>
public class NoNumberChallengeFixture : ServerFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["OutOfBand:Push:NumberChallenge"] = "never",
    };
}

/// <summary>A server whose pushes always carry a two-digit number challenge (pick one of three).</summary>
public class NumberChallengeFixture : ServerFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["OutOfBand:Push:NumberChallenge"] = "always",
    };
}

/// <summary>A server whose pushes always carry a six-digit code the user types into the app.</summary>
public class TypedNumberChallengeFixture : ServerFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["OutOfBand:Push:NumberChallenge"] = "always",
        ["OutOfBand:Push:NumberChallengeStyle"] = "type",
    };
}

/// <summary>Small push limits (2 pending, 4 per hour) and no number challenge unless a denial triggers one.</summary>
public class PushLimitsFixture : ServerFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["OutOfBand:Push:NumberChallenge"] = "never",
        ["OutOfBand:Push:MaxPendingPerUser"] = "2",
        ["OutOfBand:Push:MaxPerWindow"] = "4",
        ["OutOfBand:Push:WindowSeconds"] = "3600",
    };
}

/// <summary>No number challenge, and a keep-alive on the event stream every second.</summary>
public class FastKeepAliveFixture : ServerFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["OutOfBand:Push:NumberChallenge"] = "never",
        ["OutOfBand:Push:KeepAliveSeconds"] = "1",
    };
}
