using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using DirectAuth.Server.AuthorizationServers;
using DirectAuth.Server.Grants;
using DirectAuth.Server.Http;

namespace DirectAuth.Server.Endpoints;

/// <summary>
/// The serialized discovery document per authorization server and origin. A document changes only with its
/// server's settings, and <see cref="ServerDirectory"/> hands out a new server object when those change, so
/// the cache is keyed by that object and goes with it. Origins come from the Host header when no
/// <c>PublicUrl</c> is set; only the first few per server are kept, so made-up hosts cannot fill memory.
/// </summary>
public sealed class DiscoveryDocuments(TokenGrantFactory grants)
{
    private const int MaxOriginsPerServer = 8;
    private readonly ConditionalWeakTable<AuthorizationServer, ConcurrentDictionary<string, byte[]>> _cache = new();

    public byte[] For(OAuthContext context)
    {
        var byOrigin = _cache.GetValue(context.Server, _ => new ConcurrentDictionary<string, byte[]>(StringComparer.Ordinal));
        if (byOrigin.TryGetValue(context.Origin, out var cached)) return cached;
        var body = JsonSerializer.SerializeToUtf8Bytes(DiscoveryEndpoint.Build(context, grants.GrantTypes), WireJson.Web);
        if (byOrigin.Count < MaxOriginsPerServer) byOrigin.TryAdd(context.Origin, body);
        return body;
    }
}
