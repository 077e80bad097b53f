using DirectAuth.Server.AuthorizationServers;
using DirectAuth.Server.Groups;
using DirectAuth.Server.Http;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Policies;
using DirectAuth.Server.Security;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace DirectAuth.Server.Management;

/// <summary>
/// Okta Groups API subset: <c>/api/v1/groups</c> (create, list with <c>q</c>, <c>search</c> or <c>filter</c>, get, update, delete) and
/// membership (<c>PUT</c>/<c>DELETE /groups/{id}/users/{userId}</c>, <c>GET /groups/{id}/users</c>,
/// <c>GET /users/{id}/groups</c>). A group that a policy rule names cannot be deleted: removing it from
/// the rule would widen the rule to everyone. The built-in Everyone group holds every user and cannot be
/// changed, given members or deleted.
/// </summary>
public static class GroupsApi
{
    public sealed record GroupProfile(string? Name, string? Description);
    public sealed record GroupRequest(GroupProfile? Profile);

    public static void MapGroupsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/groups", CreateAsync);
        api.MapGet("/groups", ListAsync);
        api.MapGet("/groups/{groupId}", GetAsync);
        api.MapPut("/groups/{groupId}", UpdateAsync);
        api.MapDelete("/groups/{groupId}", DeleteAsync);
        api.MapGet("/groups/{groupId}/users", MembersAsync);
        api.MapPut("/groups/{groupId}/users/{userId}", AddMemberAsync);
        api.MapDelete("/groups/{groupId}/users/{userId}", RemoveMemberAsync);
        api.MapGet("/users/{userId}/groups", UserGroupsAsync);
    }

    private static async Task<IResult> CreateAsync(HttpContext http, JsonBody body, DirectAuthDb db, TimeProvider clock, AuditLog audit, ServerDirectory directory)
    {
        var (request, error) = await body.ReadAsync<GroupRequest>(http.Request);
        if (request is null) return error!;
        var (name, description, problem) = Check(request);
        if (problem is not null) return problem;
        var now = clock.GetUtcNow();
        var group = new Group { Id = Secrets.NewId("00g"), Name = name!, NormalizedName = Group.Normalize(name!), Description = description, Created = now, LastUpdated = now };
        if (await db.Set<Group>().AnyAsync(g => g.NormalizedName == group.NormalizedName, http.RequestAborted)) return NameTaken();
        db.Add(group);
        try { await db.SaveChangesAsync(http.RequestAborted); }
        catch (DbUpdateException) { return NameTaken(); }
        await audit.RecordAsync(Audit(MfaEventTypes.GroupCreated, "Add group", group), http.RequestAborted);
        return new JsonBodyResult(Represent(group, directory.OriginOf(http.Request)));
    }

    private static async Task<IResult> ListAsync(HttpContext http, DirectAuthDb db, ServerDirectory directory)
    {
        IQueryable<Group> groups = db.Set<Group>().AsNoTracking();
        if (http.Request.Query["q"].ToString() is { Length: > 0 } q)
        {
            var upper = Group.Normalize(q);
            groups = groups.Where(g => g.NormalizedName.StartsWith(upper));
        }
        foreach (var parameter in new[] { "search", "filter" })
        {
            if (http.Request.Query[parameter].ToString() is not { Length: > 0 } expression) continue;
            var (predicate, problem) = new SearchExpression<Group>(SearchFields, parameter).Parse(expression);
            if (predicate is null) return Validation.Failed(parameter, problem!);
            groups = groups.Where(predicate);
        }
        var origin = directory.OriginOf(http.Request);
        var list = await groups.OrderBy(g => g.NormalizedName).Take(1000).ToListAsync(http.RequestAborted);
        return new JsonBodyResult(list.Select(g => Represent(g, origin)).ToList());
    }

    private static async Task<IResult> GetAsync(string groupId, HttpContext http, DirectAuthDb db, ServerDirectory directory)
    {
        var group = await FindAsync(db, groupId, http.RequestAborted);
        return group is null ? Validation.NotFound($"{groupId} (UserGroup)") : new JsonBodyResult(Represent(group, directory.OriginOf(http.Request)));
    }

    private static async Task<IResult> UpdateAsync(string groupId, HttpContext http, JsonBody body, DirectAuthDb db, TimeProvider clock, AuditLog audit, ServerDirectory directory)
    {
        var group = await FindAsync(db, groupId, http.RequestAborted);
        if (group is null) return Validation.NotFound($"{groupId} (UserGroup)");
        if (group.IsEveryone) return BuiltIn("The built-in group Everyone cannot be changed.");
        var (request, error) = await body.ReadAsync<GroupRequest>(http.Request);
        if (request is null) return error!;
        var (name, description, problem) = Check(request);
        if (problem is not null) return problem;
        var normalized = Group.Normalize(name!);
        if (await db.Set<Group>().AnyAsync(g => g.NormalizedName == normalized && g.Id != group.Id, http.RequestAborted)) return NameTaken();
        group.Name = name!;
        group.NormalizedName = normalized;
        group.Description = description;
        group.LastUpdated = clock.GetUtcNow();
        try { await db.SaveChangesAsync(http.RequestAborted); }
        catch (DbUpdateException) { return NameTaken(); }
        await audit.RecordAsync(Audit("group.profile.update", "Update group profile", group), http.RequestAborted);
        return new JsonBodyResult(Represent(group, directory.OriginOf(http.Request)));
    }

    private static async Task<IResult> DeleteAsync(string groupId, HttpContext http, DirectAuthDb db, AuditLog audit)
    {
        var group = await FindAsync(db, groupId, http.RequestAborted);
        if (group is null) return Validation.NotFound($"{groupId} (UserGroup)");
        if (group.IsEveryone) return BuiltIn("The built-in group Everyone cannot be deleted.");
        var rules = await db.Set<PolicyRule>().AsNoTracking().Where(r => r.GroupIds.Contains(group.Id)).ToListAsync(http.RequestAborted);
        var using_ = rules.Where(r => r.GroupIdList.Contains(group.Id)).ToList();
        if (using_.Count > 0)
            return Validation.Failed("group", $"The group is used by policy rules ({string.Join(", ", using_.Select(r => $"{r.PolicyId}/{r.Id} '{r.Name}'"))}); remove it from them first.");
        await db.Set<Group>().Where(g => g.Id == group.Id).ExecuteDeleteAsync(http.RequestAborted);
        await audit.RecordAsync(Audit(MfaEventTypes.GroupDeleted, "Delete group", group), http.RequestAborted);
        return Results.NoContent();
    }

    private static async Task<IResult> MembersAsync(string groupId, HttpContext http, DirectAuthDb db, ServerDirectory directory)
    {
        var group = await FindAsync(db, groupId, http.RequestAborted);
        if (group is null) return Validation.NotFound($"{groupId} (UserGroup)");
        var users = await (group.IsEveryone ? db.Set<User>().AsNoTracking() : db.Set<User>().AsNoTracking()
            .Where(u => db.Set<GroupMember>().Any(m => m.GroupId == group.Id && m.UserId == u.Id)))
            .OrderBy(u => u.NormalizedLogin).ToListAsync(http.RequestAborted);
        var origin = directory.OriginOf(http.Request);
        return new JsonBodyResult(users.Select(u => UserRepresentation.From(u, null, origin)).ToList());
    }

    private static async Task<IResult> AddMemberAsync(string groupId, string userId, HttpContext http, DirectAuthDb db, TimeProvider clock, AuditLog audit)
    {
        var group = await FindAsync(db, groupId, http.RequestAborted);
        var user = await UsersApi.FindAsync(db, userId, http.RequestAborted);
        if (group is null) return Validation.NotFound($"{groupId} (UserGroup)");
        if (user is null) return Validation.NotFound($"{userId} (User)");
        if (group.IsEveryone) return BuiltIn("Its members cannot be changed: every user is a member of Everyone.");
        if (!await db.Set<GroupMember>().AnyAsync(m => m.GroupId == group.Id && m.UserId == user.Id, http.RequestAborted))
        {
            var now = clock.GetUtcNow();
            db.Add(new GroupMember { GroupId = group.Id, UserId = user.Id, Added = now });
            group.LastMembershipUpdated = now;
            try { await db.SaveChangesAsync(http.RequestAborted); }
            catch (DbUpdateException) { return Results.NoContent(); } // added by a concurrent request: the same outcome
            await audit.RecordAsync(Membership(MfaEventTypes.GroupMemberAdded, "Add user to group membership", group, user), http.RequestAborted);
        }
        return Results.NoContent();
    }

    private static async Task<IResult> RemoveMemberAsync(string groupId, string userId, HttpContext http, DirectAuthDb db, TimeProvider clock, AuditLog audit)
    {
        var group = await FindAsync(db, groupId, http.RequestAborted);
        var user = await UsersApi.FindAsync(db, userId, http.RequestAborted);
        if (group is null) return Validation.NotFound($"{groupId} (UserGroup)");
        if (user is null) return Validation.NotFound($"{userId} (User)");
        if (group.IsEveryone) return BuiltIn("Its members cannot be changed: every user is a member of Everyone.");
        var removed = await db.Set<GroupMember>().Where(m => m.GroupId == group.Id && m.UserId == user.Id).ExecuteDeleteAsync(http.RequestAborted);
        if (removed > 0)
        {
            group.LastMembershipUpdated = clock.GetUtcNow();
            await db.SaveChangesAsync(http.RequestAborted);
            await audit.RecordAsync(Membership(MfaEventTypes.GroupMemberRemoved, "Remove user from group membership", group, user), http.RequestAborted);
        }
        return Results.NoContent();
    }

    private static async Task<IResult> UserGroupsAsync(string userId, HttpContext http, DirectAuthDb db, ServerDirectory directory)
    {
        var user = await UsersApi.FindAsync(db, userId, http.RequestAborted);
        if (user is null) return Validation.NotFound($"{userId} (User)");
        var groups = await db.Set<Group>().AsNoTracking()
            .Where(g => g.Id == Group.EveryoneId || db.Set<GroupMember>().Any(m => m.UserId == user.Id && m.GroupId == g.Id))
            .OrderBy(g => g.NormalizedName).ToListAsync(http.RequestAborted);
        var origin = directory.OriginOf(http.Request);
        return new JsonBodyResult(groups.Select(g => Represent(g, origin)).ToList());
    }

    public static Task<Group?> FindAsync(DirectAuthDb db, string groupId, CancellationToken ct) =>
        groupId.Length > 64 ? Task.FromResult<Group?>(null) : db.Set<Group>().FirstOrDefaultAsync(g => g.Id == groupId, ct);

    private static (string? Name, string? Description, IResult? Problem) Check(GroupRequest request)
    {
        var name = request.Profile?.Name?.Trim();
        if (string.IsNullOrEmpty(name)) return (null, null, Validation.Failed("name", "name: The field cannot be left blank"));
        if (name.Length > 255) return (null, null, Validation.Failed("name", "name: The field is too long (at most 255 characters)"));
        var description = string.IsNullOrWhiteSpace(request.Profile!.Description) ? null : request.Profile.Description.Trim();
        if (description is { Length: > 1024 }) return (null, null, Validation.Failed("description", "description: The field is too long (at most 1024 characters)"));
        return (name, description, null);
    }

    /// <summary>Everyone is Okta's built-in group: every user is in it, and it is not an admin's to change.</summary>
    private static OktaErrorResult BuiltIn(string cause) =>
        new(403, OktaErrors.Create("E0000006", "You do not have permission to perform the requested action", cause));

    /// <summary>The attributes of <c>search</c> and <c>filter</c>.</summary>
    private static readonly Dictionary<string, SearchField<Group>> SearchFields = new(StringComparer.Ordinal)
    {
        ["id"] = new SearchField<Group>.Text(g => g.Id),
        ["type"] = new SearchField<Group>.Text(g => g.Type),
        ["created"] = new SearchField<Group>.Time(g => g.Created),
        ["lastUpdated"] = new SearchField<Group>.Time(g => g.LastUpdated),
        ["lastMembershipUpdated"] = new SearchField<Group>.Time(g => g.LastMembershipUpdated),
        // Group names are unique case-insensitively: compared in their normalized form.
        ["profile.name"] = new SearchField<Group>.Text(g => g.NormalizedName, Group.Normalize),
        ["profile.description"] = new SearchField<Group>.Text(g => g.Description),
    };

    private static OktaErrorResult NameTaken() =>
        Validation.Failed("name", "name: An object with this field already exists in the current organization");

    public static Dictionary<string, object?> Represent(Group group, string origin) => new()
    {
        ["id"] = group.Id,
        ["created"] = group.Created,
        ["lastUpdated"] = group.LastUpdated,
        ["lastMembershipUpdated"] = group.LastMembershipUpdated,
        ["objectClass"] = new[] { "okta:user_group" },
        ["type"] = group.Type,
        ["profile"] = new Dictionary<string, object?> { ["name"] = group.Name, ["description"] = group.Description },
        ["_links"] = new Dictionary<string, object>
        {
            ["self"] = new Dictionary<string, string> { ["href"] = $"{origin}/api/v1/groups/{group.Id}" },
            ["users"] = new Dictionary<string, string> { ["href"] = $"{origin}/api/v1/groups/{group.Id}/users" },
        },
    };

    private static AuditEntry Audit(string eventType, string message, Group group) => new(eventType, Outcomes.Success, message)
    {
        ActorType = "Admin", ActorId = "admin", TargetId = group.Id, TargetType = "UserGroup", TargetAlternateId = group.Name,
    };

    private static AuditEntry Membership(string eventType, string message, Group group, User user) => new(eventType, Outcomes.Success, message)
    {
        ActorType = "Admin", ActorId = "admin", TargetId = user.Id, TargetType = "User", TargetAlternateId = user.Login,
        Details = new Dictionary<string, string> { ["groupId"] = group.Id, ["groupName"] = group.Name },
    };
}
