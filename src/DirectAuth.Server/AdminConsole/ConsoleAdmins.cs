using DirectAuth.Server.Groups;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.AdminConsole;

/// <summary>Who may use the console: an active user in the administrators' group (<see cref="ConsoleOptions.AdminGroup"/>), asked on every request.</summary>
public sealed class ConsoleAdmins(DirectAuthDb db, IOptions<ConsoleOptions> options)
{
    /// <summary>The user when active and a member of the administrators' group, else null.</summary>
    public async Task<User?> FindAdminAsync(string userId, CancellationToken ct)
    {
        var group = Group.Normalize(options.Value.AdminGroup);
        return await db.Set<User>().AsNoTracking()
            .Where(u => u.Id == userId && u.Status == UserStatus.Active)
            .Where(u => db.Set<GroupMember>().Any(m => m.UserId == u.Id && db.Set<Group>().Any(g => g.Id == m.GroupId && g.NormalizedName == group)))
            .FirstOrDefaultAsync(ct);
    }
}
