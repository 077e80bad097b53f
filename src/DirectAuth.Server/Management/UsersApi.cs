using DirectAuth.Server.Phone;
using DirectAuth.Server.AuthorizationServers;
using DirectAuth.Server.Http;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Security;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Tokens;
using DirectAuth.Server.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.Management;

/// <summary>Okta Users API subset: create, get, list and search, partial update, lifecycle, delete.</summary>
public static class UsersApi
{
    /// <summary>Profile <c>mobilePhone</c> in E.164 form (null when blank), or the validation error naming the field.</summary>
    public static (string? Phone, IResult? Error) MobilePhone(string? value, string? defaultRegion)
    {
        if (string.IsNullOrWhiteSpace(value)) return (null, null);
        return PhoneNumber.Normalize(value, defaultRegion) is { } e164
            ? (e164, null) : (null, Validation.Failed("mobilePhone", "mobilePhone: " + PhoneNumber.RuleFor(defaultRegion)));
    }

    public static void MapUsersApi(this RouteGroupBuilder api)
    {
        var users = api.MapGroup("/users").WithTags("Users");
        users.MapPost("", CreateAsync).WithSummary("Create a user (?activate=false creates it STAGED)")
            .WithJsonBody<UserRepresentation.CreateRequest>()
            .WithQueryParameters(("activate", "false: create the user STAGED (default true)"));
        users.MapGet("", UserSearch.ListAsync).WithSummary("List users: q (prefix), search or filter (Okta expressions: eq ne sw gt ge lt le pr, and, or), limit, after")
            .WithQueryParameters(("q", "Prefix of login, email, first or last name"), ("search", "e.g. profile.lastName sw \"sm\" and status eq \"ACTIVE\""),
                ("filter", "e.g. lastUpdated gt \"2026-01-01T00:00:00.000Z\""), ("limit", "Page size, at most 200"), ("after", "Cursor from the Link rel=next header"));
        users.MapGet("/{idOrLogin}", GetAsync).WithSummary("Get a user by id or login");
        users.MapPost("/{id}", UserUpdate.UpdateAsync).WithSummary("Update a user: profile fields present in the body, credentials.password.value")
            .WithJsonBody<UserRepresentation.CreateRequest>();
        users.MapPost("/{id}/lifecycle/{operation}", UserLifecycle.ChangeAsync)
            .WithSummary("Lifecycle: activate, deactivate, suspend, unsuspend, unlock or expire_password");
        users.MapDelete("/{id}", UserLifecycle.DeleteAsync).WithSummary("Delete a user (the first delete deactivates, a second one deletes)");
    }

    private static async Task<IResult> CreateAsync(
        HttpContext http, JsonBody body, DirectAuthDb db, PasswordHashing hashing, TimeProvider clock, AuditLog audit, ServerDirectory directory,
        IOptions<PhoneOptions> phone)
    {
        var (request, error) = await body.ReadAsync<UserRepresentation.CreateRequest>(http.Request);
        if (request is null) return error!;
        var profile = request.Profile;
        var login = profile?.Login?.Trim();
        if (string.IsNullOrEmpty(login)) return Validation.Failed("login", "login: The field cannot be left blank");
        if (login.Length > 100) return Validation.Failed("login", "login: The field is too long (at most 100 characters)");
        if (profile!.Email is { Length: > 0 } email && (email.Length > 100 || !email.Contains('@', StringComparison.Ordinal)))
            return Validation.Failed("email", "email: Does not match required pattern");
        if (profile.MobilePhone is { Length: > 100 }) return Validation.Failed("mobilePhone", "mobilePhone: The field is too long");
        var (mobilePhone, phoneError) = MobilePhone(profile.MobilePhone, phone.Value.DefaultRegion);
        if (phoneError is not null) return phoneError;

        var (attributes, attributeError) = UserRepresentation.Attributes(profile.Other ?? []);
        if (attributes is null) return attributeError!;

        var password = request.Credentials?.Password?.Value;
        if (password is not null && PasswordRules.Check(password, login) is { } weak)
            return Validation.Failed("password", "password: " + weak);

        var normalized = User.Normalize(login);
        if (await db.Set<User>().AnyAsync(u => u.NormalizedLogin == normalized, http.RequestAborted))
            return Validation.Failed("login", "login: An object with this field already exists in the current organization");

        var activate = !string.Equals(http.Request.Query["activate"], "false", StringComparison.OrdinalIgnoreCase);
        var now = clock.GetUtcNow();
        var user = new User
        {
            Id = Secrets.NewId("00u"),
            Login = login,
            NormalizedLogin = normalized,
            Email = Blank(profile.Email),
            FirstName = Blank(profile.FirstName),
            LastName = Blank(profile.LastName),
            MobilePhone = mobilePhone,
            ProfileAttributes = ProfileAttributes.Serialize(attributes),
            Status = !activate ? UserStatus.Staged : password is null ? UserStatus.Provisioned : UserStatus.Active,
            PasswordHash = password is null ? null : hashing.Hash(password),
            Created = now,
            LastUpdated = now,
            StatusChanged = activate ? now : null,
            Activated = activate ? now : null,
            PasswordChanged = password is null ? null : now,
        };
        db.Add(user);
        try { await db.SaveChangesAsync(http.RequestAborted); }
        catch (DbUpdateException)
        {
            return Validation.Failed("login", "login: An object with this field already exists in the current organization");
        }
        await audit.RecordAsync(AdminAudit.For(EventTypes.UserCreated, "Create user", user), http.RequestAborted);
        if (activate) await audit.RecordAsync(AdminAudit.For(EventTypes.UserActivated, "Activate user", user), http.RequestAborted);
        return new JsonBodyResult(UserRepresentation.From(user, null, directory.OriginOf(http.Request)));
    }

    private static async Task<IResult> GetAsync(string idOrLogin, HttpContext http, DirectAuthDb db, LockoutService lockout, ServerDirectory directory)
    {
        var user = await FindAsync(db, idOrLogin, http.RequestAborted);
        if (user is null) return Validation.NotFound($"{idOrLogin} (User)");
        return new JsonBodyResult(UserRepresentation.From(user, await LockedStatusAsync(lockout, user, http.RequestAborted), directory.OriginOf(http.Request)));
    }

    public static async Task<User?> FindAsync(DirectAuthDb db, string idOrLogin, CancellationToken ct)
    {
        if (idOrLogin.Length > 256) return null;
        var normalized = User.Normalize(idOrLogin);
        return await db.Set<User>().FirstOrDefaultAsync(u => u.Id == idOrLogin || u.NormalizedLogin == normalized, ct);
    }

    public static async Task<string?> LockedStatusAsync(LockoutService lockout, User user, CancellationToken ct) =>
        user.Status == UserStatus.Active && await lockout.IsLockedAsync(user.Login, ct) ? UserStatus.LockedOut : null;

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}

/// <summary>System log entries for admin changes.</summary>
public static class AdminAudit
{
    public static AuditEntry For(string eventType, string message, User user) => new(eventType, Outcomes.Success, message)
    {
        ActorType = "Admin", ActorId = "admin", TargetId = user.Id, TargetType = "User", TargetAlternateId = user.Login,
    };
}
