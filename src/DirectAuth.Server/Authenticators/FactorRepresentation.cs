using System.Text.Json;

namespace DirectAuth.Server.Authenticators;

/// <summary>The Okta factor fields every type shares; handlers add their own (e.g. <c>_embedded.activation</c>).</summary>
public static class FactorRepresentation
{
    public static Dictionary<string, object?> Base(Factor factor, string origin)
    {
        var self = $"{origin}/api/v1/users/{factor.UserId}/factors/{factor.Id}";
        var links = new Dictionary<string, object>
        {
            ["self"] = new Dictionary<string, string> { ["href"] = self },
            ["user"] = new Dictionary<string, string> { ["href"] = $"{origin}/api/v1/users/{factor.UserId}" },
        };
        if (factor.Status == FactorStatus.PendingActivation)
            links["activate"] = new Dictionary<string, string> { ["href"] = self + "/lifecycle/activate" };
        return new Dictionary<string, object?>
        {
            ["id"] = factor.Id,
            ["factorType"] = factor.FactorType,
            ["provider"] = factor.Provider,
            ["vendorName"] = factor.Provider,
            ["status"] = factor.Status,
            ["created"] = factor.Created,
            ["lastUpdated"] = factor.LastUpdated,
            ["profile"] = factor.Profile is null ? new Dictionary<string, object>() : JsonDocument.Parse(factor.Profile).RootElement.Clone(),
            ["_links"] = links,
        };
    }
}
