using DirectAuth.Server.Tests.Infrastructure;

namespace DirectAuth.Server.Tests.Audit;

/// <summary>A server that logs at Information, as the shipped appsettings.json does (the test default is Warning).</summary>
public class LoggingServerFixture : ServerFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Default"] = "Information",
    };
}
