using DirectAuth.Server.AdminConsole;
using DirectAuth.Server.Groups;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.Hosting;

/// <summary><c>--demo</c>: the demo user becomes an administrator of the console (after <see cref="DemoSetup"/> made it).</summary>
public static class ConsoleDemo
{
    public static async Task RunAsync(IServiceProvider services, string baseUrl, TextWriter output, CancellationToken ct)
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<DirectAuthDb>();
        var group = Group.Normalize(scope.ServiceProvider.GetRequiredService<IOptions<ConsoleOptions>>().Value.AdminGroup);
        var groupId = await db.Set<Group>().Where(g => g.NormalizedName == group).Select(g => g.Id).FirstAsync(ct);
        var userId = await db.Set<User>().Where(u => u.NormalizedLogin == User.Normalize(DemoSetup.Login)).Select(u => u.Id).FirstAsync(ct);
        if (!await db.Set<GroupMember>().AnyAsync(m => m.GroupId == groupId && m.UserId == userId, ct))
        {
            db.Add(new GroupMember { GroupId = groupId, UserId = userId, Added = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow() });
            await db.SaveChangesAsync(ct);
        }
        output.WriteLine($"""
            Admin console: {baseUrl}/console ('{DemoSetup.Login}' is an administrator; the console needs a second factor:
              add an authenticator app on the My Account page first, {baseUrl}/myaccount)

            """);
    }
}
