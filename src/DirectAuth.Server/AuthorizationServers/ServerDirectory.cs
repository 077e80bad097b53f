using System.Collections.Concurrent;
using DirectAuth.Server.Settings;
using DirectAuth.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.AuthorizationServers;

/// <summary>
/// Finds authorization servers by id, with a short cache so hot paths do not read them on every request
/// (another instance's change is seen within <see cref="CacheFor"/>).
/// </summary>
public sealed class ServerDirectory(IServiceScopeFactory scopes, TimeProvider clock, IOptions<DirectAuthOptions> options)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<string, (AuthorizationServer? Server, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);
    private readonly string? _publicUrl = options.Value.PublicUrl?.TrimEnd('/');

    public async Task<AuthorizationServer?> FindAsync(string id, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (_cache.TryGetValue(id, out var hit) && hit.Until > now) return hit.Server;
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<DirectAuthDb>();
        var server = await db.Set<AuthorizationServer>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (server is { Status: not "ACTIVE" }) server = null;
        _cache[id] = (server, now + CacheFor);
        return server;
    }

    public void Forget(string id) => _cache.TryRemove(id, out _);

    /// <summary>The public origin: <c>PublicUrl</c> when configured, else the request's scheme, host and path base.</summary>
    public string OriginOf(HttpRequest request) =>
        _publicUrl ?? $"{request.Scheme}://{request.Host.Value}{request.PathBase.Value}";
}
