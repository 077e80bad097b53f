using System.Text.Json;
using DirectAuth.Server.Phone;
using DirectAuth.Server.AuthorizationServers;
using DirectAuth.Server.Http;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Tokens;
using DirectAuth.Server.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.Management;

/// <summary>
/// POST /api/v1/users/{id}: Okta's partial update. Only the profile fields present in the body change
/// (<c>null</c> clears one); <c>credentials.password.value</c> sets a new password, which ends every
/// session of the user (their refresh tokens are revoked).
/// </summary>
public static class UserUpdate
{
    /// <summary>The fields an update reads; <c>credentials.provider</c> is the server's, accepted when a client sends a user back.</summary>
    public sealed record UpdateFields(UserRepresentation.Profile? Profile, UpdateCredentials? Credentials);

    public sealed record UpdateCredentials(UserRepresentation.PasswordValue? Password, System.Text.Json.JsonElement? Provider);

    private static readonly string[] ProfileFields = ["login", "email", "firstName", "lastName", "mobilePhone"];

    public static async Task<IResult> UpdateAsync(
        string id, HttpContext http, JsonBody body, DirectAuthDb db, PasswordHashing hashing, TimeProvider clock, AuditLog audit,
        LockoutService lockout, ServerDirectory directory, IOptions<PhoneOptions> phone)
    {
        var ct = http.RequestAborted;
        var user = await UsersApi.FindAsync(db, id, ct);
        if (user is null) return Validation.NotFound($"{AuthorizationServersApi.Shorten(id)} (User)");
        var (element, error) = await body.ReadObjectAsync<UpdateFields>(http.Request);
        if (error is not null) return error;

        var (profile, profileError) = ReadProfile(element);
        if (profile is null) return profileError!;
        var (password, passwordError) = ReadPassword(element);
        if (passwordError is not null) return passwordError;

        var login = profile.TryGetValue("login", out var newLogin) ? newLogin?.Trim() : user.Login;
        if (string.IsNullOrEmpty(login)) return Validation.Failed("login", "login: The field cannot be left blank");
        if (login.Length > 100) return Validation.Failed("login", "login: The field is too long (at most 100 characters)");
        if (profile.TryGetValue("email", out var email) && email is { Length: > 0 } && (email.Length > 100 || !email.Contains('@', StringComparison.Ordinal)))
            return Validation.Failed("email", "email: Does not match required pattern");
        foreach (var field in new[] { "firstName", "lastName", "mobilePhone" })
            if (profile.TryGetValue(field, out var value) && value is { Length: > 100 })
                return Validation.Failed(field, $"{field}: The field is too long (at most 100 characters)");
        if (profile.TryGetValue("mobilePhone", out var mobile))
        {
            var (e164, phoneError) = UsersApi.MobilePhone(mobile, phone.Value.DefaultRegion);
            if (phoneError is not null) return phoneError;
            profile["mobilePhone"] = e164;
        }
        if (password is not null && PasswordRules.Check(password, login) is { } weak)
            return Validation.Failed("password", "password: " + weak);

        var normalized = User.Normalize(login);
        if (normalized != user.NormalizedLogin && await db.Set<User>().AnyAsync(u => u.NormalizedLogin == normalized && u.Id != user.Id, ct))
            return Validation.Failed("login", "login: An object with this field already exists in the current organization");

        var now = clock.GetUtcNow();
        var changed = new List<string>();
        if (login != user.Login)
        {
            // A lock belongs to the login that was attacked; carrying it over is not needed, leaving it is harmless.
            user.Login = login;
            user.NormalizedLogin = normalized;
            changed.Add("login");
        }
        if (Apply(profile, "email", user.Email, v => user.Email = v)) changed.Add("email");
        if (Apply(profile, "firstName", user.FirstName, v => user.FirstName = v)) changed.Add("firstName");
        if (Apply(profile, "lastName", user.LastName, v => user.LastName = v)) changed.Add("lastName");
        if (Apply(profile, "mobilePhone", user.MobilePhone, v => user.MobilePhone = v)) changed.Add("mobilePhone");
        var attributes = ProfileAttributes.Parse(user.ProfileAttributes);
        foreach (var name in ProfileAttributes.Names)
            if (Apply(profile, name, attributes.GetValueOrDefault(name), v => { if (v is null) attributes.Remove(name); else attributes[name] = v; }))
                changed.Add(name);
        user.ProfileAttributes = ProfileAttributes.Serialize(attributes);
        if (password is not null && user.Status == UserStatus.PasswordExpired)
        {
            // A new password ends the expiry (Okta: PASSWORD_EXPIRED -> ACTIVE).
            user.Status = UserStatus.Active;
            user.StatusChanged = now;
        }
        if (password is not null)
        {
            user.PasswordHash = hashing.Hash(password);
            user.PasswordChanged = now;
        }
        if (changed.Count > 0 || password is not null) user.LastUpdated = now;

        var revoked = 0;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            try { await db.SaveChangesAsync(ct); }
            catch (DbUpdateException)
            {
                return Validation.Failed("login", "login: An object with this field already exists in the current organization");
            }
            if (password is not null)
                revoked = await db.Set<RefreshToken>().Where(t => t.UserId == user.Id && t.RevokedAt == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), ct);
            await tx.CommitAsync(ct);
        }

        if (changed.Count > 0)
            await audit.RecordAsync(AdminAudit.For(EventTypes.UserUpdated, "Update user profile", user) with
            {
                Details = new Dictionary<string, string> { ["changedFields"] = string.Join(' ', changed) },
            }, ct);
        if (password is not null)
            await audit.RecordAsync(AdminAudit.For(EventTypes.PasswordChanged, "Admin set user password", user) with
            {
                Details = new Dictionary<string, string> { ["revokedRefreshTokens"] = revoked.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            }, ct);
        return new JsonBodyResult(UserRepresentation.From(user, await UsersApi.LockedStatusAsync(lockout, user, ct), directory.OriginOf(http.Request)));
    }

    /// <summary>The profile fields present in the body (a null value clears the field).</summary>
    private static (Dictionary<string, string?>? Profile, IResult? Error) ReadProfile(JsonElement body)
    {
        var profile = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (!body.TryGetProperty("profile", out var element) || element.ValueKind == JsonValueKind.Null) return (profile, null);
        if (element.ValueKind != JsonValueKind.Object) return (null, Validation.Failed("profile", "profile: Must be an object"));
        foreach (var property in element.EnumerateObject())
        {
            if (!ProfileFields.Contains(property.Name))
            {
                if (UserRepresentation.Check(property.Name, property.Value) is { } invalid) return (null, invalid);
                profile[property.Name] = property.Value.ValueKind == JsonValueKind.Null ? null : property.Value.GetString();
                continue;
            }
            if (property.Value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
                return (null, Validation.Failed(property.Name, $"{property.Name}: Must be a string or null"));
            profile[property.Name] = property.Value.ValueKind == JsonValueKind.Null ? null : property.Value.GetString();
        }
        return (profile, null);
    }

    /// <summary>The new password, when <c>credentials.password.value</c> is present.</summary>
    private static (string? Password, IResult? Error) ReadPassword(JsonElement body)
    {
        if (!body.TryGetProperty("credentials", out var credentials) || credentials.ValueKind == JsonValueKind.Null) return (null, null);
        if (credentials.ValueKind != JsonValueKind.Object) return (null, Validation.Failed("credentials", "credentials: Must be an object"));
        foreach (var property in credentials.EnumerateObject())
            if (property.Name is not ("password" or "provider"))
                return (null, Validation.Failed("credentials", $"credentials: '{AuthorizationServersApi.Shorten(property.Name)}' is not supported"));
        if (!credentials.TryGetProperty("password", out var password) || password.ValueKind == JsonValueKind.Null) return (null, null);
        if (password.ValueKind != JsonValueKind.Object)
            return (null, Validation.Failed("password", "password: credentials.password.value must be a string"));
        // A user sent back as read has "password": {} (the server never shows the hash): nothing to change, as Okta.
        if (!password.TryGetProperty("value", out var value) || value.ValueKind == JsonValueKind.Null) return (null, null);
        if (value.ValueKind != JsonValueKind.String)
            return (null, Validation.Failed("password", "password: credentials.password.value must be a string"));
        return (value.GetString(), null);
    }

    private static bool Apply(Dictionary<string, string?> profile, string field, string? current, Action<string?> set)
    {
        if (!profile.TryGetValue(field, out var value)) return false;
        var normalized = string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        if (normalized == current) return false;
        set(normalized);
        return true;
    }
}
