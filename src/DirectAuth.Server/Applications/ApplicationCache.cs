using System.Collections.Concurrent;
using DirectAuth.Server.Storage;

namespace DirectAuth.Server.Applications;

/// <summary>
/// Clients by client_id, for client authentication on every token request (every out-of-band poll among
/// them). A client read from the database is kept for <see cref="Lifetime"/>, so a client polling many
/// sign-ins costs one read a second instead of one per poll, and a pending poll is a single lookup: its
/// transaction. Unknown client_ids are not kept (nobody can fill the cache with them).
/// <para>
/// A change made through this process (the management API calls <see cref="Forget"/> after saving) takes
/// effect at once. With several server processes on one PostgreSQL database, the others see it within
/// <see cref="Lifetime"/>. Callers must not modify the clients they get: they are shared.
/// </para>
/// </summary>
public sealed class ApplicationCache(PreparedLookup<Application> lookup, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(1);
    private const int MaxEntries = 10_000;

    private sealed record Entry(Application Client, long ReadAt, long Generation);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private long _generation;

    public async Task<Application?> FindAsync(string clientId, CancellationToken ct)
    {
        var generation = Interlocked.Read(ref _generation);
        var now = clock.GetTimestamp();
        if (_entries.TryGetValue(clientId, out var entry) && entry.Generation == generation && clock.GetElapsedTime(entry.ReadAt, now) < Lifetime)
            return entry.Client;

        var client = await lookup.FindAsync(clientId, ct);
        if (client is null) return null;
        // Kept only when nothing changed while it was read: a Forget() during the read means the row read may
        // be the old one. (A value stored just as Forget() runs is refused by the generation check above.)
        if (Interlocked.Read(ref _generation) == generation)
        {
            if (_entries.Count >= MaxEntries) _entries.Clear();
            _entries[clientId] = new Entry(client, now, generation);
        }
        return client;
    }

    /// <summary>Drops every kept client; call after saving any change to a client.</summary>
    public void Forget()
    {
        Interlocked.Increment(ref _generation);
        _entries.Clear();
    }
}
