using DirectAuth.Server.Observability;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DirectAuth.Server.Tests.Mfa;

/// <summary>Reads the system log the server wrote (its audit_events table).</summary>
public static class AuditEvents
{
    public static async Task<AuditEvent?> LatestAsync(ServerFixture server, string eventType, string? targetId)
    {
        using var scope = server.Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<DirectAuthDb>();
        return await db.Set<AuditEvent>().AsNoTracking()
            .Where(e => e.EventType == eventType && (targetId == null || e.TargetId == targetId))
            .OrderByDescending(e => e.Published).ThenByDescending(e => e.Id).FirstOrDefaultAsync();
    }

    public static async Task<List<AuditEvent>> AllAsync(ServerFixture server, string eventType)
    {
        using var scope = server.Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<DirectAuthDb>();
        return await db.Set<AuditEvent>().AsNoTracking().Where(e => e.EventType == eventType).ToListAsync();
    }
}
