using DirectAuth.Server.Observability;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DirectAuth.Server.Tests.OutOfBand;

/// <summary>Reads the server's system log (the audit_events table) to check what was recorded.</summary>
public static class SystemLog
{
    public static async Task<AuditEvent> FindAsync(ServerFixture server, string eventType, string targetId)
    {
        var events = await AllAsync(server, eventType);
        return Assert.Single(events, e => e.TargetId == targetId);
    }

    public static async Task<List<AuditEvent>> AllAsync(ServerFixture server, string eventType)
    {
        using var scope = server.Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<DirectAuthDb>();
        return await db.Set<AuditEvent>().AsNoTracking().Where(e => e.EventType == eventType).ToListAsync();
    }
}
