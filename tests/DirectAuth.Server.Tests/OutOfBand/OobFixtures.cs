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
