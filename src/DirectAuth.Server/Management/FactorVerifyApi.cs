using System.Text.Json;
using DirectAuth.Server.Authenticators;
using DirectAuth.Server.Phone;
using DirectAuth.Server.AuthorizationServers;
using DirectAuth.Server.Http;
using DirectAuth.Server.OutOfBand.Push;
using DirectAuth.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace DirectAuth.Server.Management;

/// <summary>
/// Okta's <c>POST /api/v1/users/{id}/factors/{fid}/verify</c> (an admin or a back end checks a factor of the
/// user) and <c>GET /api/v1/users/{id}/factors/catalog</c> (the factor types the user can enroll). Verify: TOTP
/// takes a <c>passCode</c>; SMS and call first send a code (no body: <c>factorResult CHALLENGE</c>), then take it.
/// A right code answers <c>factorResult SUCCESS</c>, a wrong one 403 E0000068. Push: verify sends a push (201,
/// <c>factorResult WAITING</c> and a <c>poll</c> link), <c>GET .../transactions/{id}</c> answers its state.
/// </summary>
public static class FactorVerifyApi
{
    /// <summary>The fields verify reads.</summary>
    public sealed record VerifyFields(JsonElement? PassCode);

    public static void MapFactorVerifyApi(this RouteGroupBuilder api)
    {
        api.MapPost("/users/{userId}/factors/{factorId}/verify", VerifyAsync).WithTags("Factors")
            .WithSummary("Verify a factor: TOTP with passCode; sms and call: no body sends a code (CHALLENGE), then passCode; push: WAITING and a poll link")
            .WithJsonBody<VerifyFields>();
        api.MapGet("/users/{userId}/factors/{factorId}/transactions/{transactionId}", PollAsync).WithTags("Factors")
            .WithSummary("Poll a push verification: WAITING, SUCCESS (answered once), REJECTED or TIMEOUT");
        api.MapGet("/users/{userId}/factors/catalog", CatalogAsync).WithTags("Factors")
            .WithSummary("The factor types the user can enroll, with their status (NOT_SETUP or ACTIVE)");
    }

    private static async Task<IResult> VerifyAsync(
        string userId, string factorId, HttpContext http, DirectAuthDb db, JsonBody body, TotpVerifier totp, PhoneFactorVerifier phone,
        PushFactorVerifier push, ServerDirectory directory)
    {
        var ct = http.RequestAborted;
        var user = await UsersApi.FindAsync(db, userId, ct);
        var factor = await FindAsync(db, user, factorId, ct);
        if (user is null || factor is null) return Validation.NotFound($"{AuthorizationServersApi.Shorten(factorId)} (UserFactor)");
        if (factor.Status != FactorStatus.Active)
            return Validation.Failed("factor", "The factor is not active; activate it first");

        string? passCode = null;
        if (http.Request.ContentLength is not 0 && (http.Request.ContentLength is > 0 || http.Request.ContentType is not null))
        {
            var (element, error) = await body.ReadObjectAsync<VerifyFields>(http.Request);
            if (error is not null) return error;
            if (element.TryGetProperty("passCode", out var p) && p.ValueKind != JsonValueKind.Null)
            {
                if (p.ValueKind != JsonValueKind.String) return Validation.Failed("passCode", "passCode: Must be a string");
                passCode = p.GetString();
            }
        }
        var origin = directory.OriginOf(http.Request);
        switch (factor.FactorType)
        {
            case FactorTypes.Totp:
                if (string.IsNullOrEmpty(passCode)) return Validation.Failed("passCode", "passCode: The field cannot be left blank");
                var result = await totp.VerifyAsync(factor, passCode, null, ct);
                return result == TotpResult.Valid ? Success()
                    : PhoneApiErrors.InvalidPasscode(result == TotpResult.Locked
                        ? "Too many wrong passcodes. Wait a few minutes and try again." : PhoneApiErrors.WrongCode);
            case FactorTypes.Sms or FactorTypes.Call:
                if (string.IsNullOrEmpty(passCode))
                    return await phone.ChallengeAsync(factor, user, ct) ?? Challenge(factor, origin);
                return await phone.VerifyAsync(factor, user, passCode, ct) switch
                {
                    PhoneFactorVerifier.Outcome.Success => Success(),
                    PhoneFactorVerifier.Outcome.Expired => PhoneApiErrors.InvalidPasscode("Your passcode has expired. Verify without a passCode to send a new one."),
                    PhoneFactorVerifier.Outcome.NoAttemptsLeft => PhoneApiErrors.InvalidPasscode("No passcode is pending, or too many wrong ones. Verify without a passCode to send a new one."),
                    _ => PhoneApiErrors.InvalidPasscode(PhoneApiErrors.WrongCode),
                };
            case FactorTypes.Push:
                var (transaction, refusal) = await push.StartAsync(factor, user, http, ct);
                if (transaction is null) return new OktaErrorResult(429, OktaErrors.Create("E0000047", "API call exceeded rate limit due to too many requests.", refusal!.Description));
                return new JsonBodyResult(Waiting(factor, transaction.Id, transaction.ExpiresAt, origin), 201);
            default:
                return Validation.Failed("factorType", $"factorType: '{factor.FactorType}' factors are verified by signing in, not through this API");
        }
    }

    private static async Task<IResult> PollAsync(
        string userId, string factorId, string transactionId, HttpContext http, DirectAuthDb db, PushFactorVerifier push, ServerDirectory directory)
    {
        var ct = http.RequestAborted;
        var user = await UsersApi.FindAsync(db, userId, ct);
        var factor = await FindAsync(db, user, factorId, ct);
        if (user is null || factor is null) return Validation.NotFound($"{AuthorizationServersApi.Shorten(factorId)} (UserFactor)");
        return await push.PollAsync(factor, transactionId, ct) switch
        {
            PushFactorVerifier.Poll.NotFound => Validation.NotFound($"{AuthorizationServersApi.Shorten(transactionId)} (Transaction)"),
            PushFactorVerifier.Poll.Waiting => new JsonBodyResult(Waiting(factor, transactionId, null, directory.OriginOf(http.Request))),
            var result => new JsonBodyResult(new Dictionary<string, object> { ["factorResult"] = result.ToString().ToUpperInvariant() }),
        };
    }

    private static async Task<Factor?> FindAsync(DirectAuthDb db, Users.User? user, string factorId, CancellationToken ct) =>
        user is null || factorId.Length > 64 ? null
            : await db.Set<Factor>().AsNoTracking().FirstOrDefaultAsync(f => f.UserId == user.Id && f.Id == factorId, ct);

    private static Dictionary<string, object?> Waiting(Factor factor, string transactionId, DateTimeOffset? expiresAt, string origin)
    {
        var self = $"{origin}/api/v1/users/{factor.UserId}/factors/{factor.Id}";
        var body = new Dictionary<string, object?>
        {
            ["factorResult"] = "WAITING",
            ["profile"] = factor.Profile is null ? new Dictionary<string, object>() : JsonDocument.Parse(factor.Profile).RootElement.Clone(),
            ["_links"] = new Dictionary<string, object>
            {
                ["poll"] = new Dictionary<string, object> { ["href"] = $"{self}/transactions/{transactionId}", ["hints"] = new Dictionary<string, string[]> { ["allow"] = ["GET"] } },
            },
        };
        if (expiresAt is not null) body["expiresAt"] = expiresAt;
        return body;
    }

    private static JsonBodyResult Success() => new(new Dictionary<string, object> { ["factorResult"] = "SUCCESS" });

    private static JsonBodyResult Challenge(Factor factor, string origin)
    {
        var self = $"{origin}/api/v1/users/{factor.UserId}/factors/{factor.Id}";
        return new(new Dictionary<string, object?>
        {
            ["factorResult"] = "CHALLENGE",
            ["profile"] = factor.Profile is null ? new Dictionary<string, object>() : JsonDocument.Parse(factor.Profile).RootElement.Clone(),
            ["_links"] = new Dictionary<string, object>
            {
                ["verify"] = new Dictionary<string, object> { ["href"] = self + "/verify", ["hints"] = new Dictionary<string, string[]> { ["allow"] = ["POST"] } },
                ["factor"] = new Dictionary<string, object> { ["href"] = self, ["hints"] = new Dictionary<string, string[]> { ["allow"] = ["GET", "DELETE"] } },
            },
        });
    }

    private static async Task<IResult> CatalogAsync(string userId, HttpContext http, DirectAuthDb db, IEnumerable<IFactorHandler> handlers, ServerDirectory directory)
    {
        var user = await UsersApi.FindAsync(db, userId, http.RequestAborted);
        if (user is null) return Validation.NotFound($"{AuthorizationServersApi.Shorten(userId)} (User)");
        var active = await db.Set<Factor>().AsNoTracking().Where(f => f.UserId == user.Id && f.Status == FactorStatus.Active)
            .Select(f => f.FactorType).Distinct().ToListAsync(http.RequestAborted);
        var enroll = $"{directory.OriginOf(http.Request)}/api/v1/users/{user.Id}/factors";
        return new JsonBodyResult(handlers.Select(h => new Dictionary<string, object>
        {
            ["factorType"] = h.FactorType,
            ["provider"] = Provider(h.FactorType),
            ["vendorName"] = Provider(h.FactorType),
            ["status"] = active.Contains(h.FactorType) ? "ACTIVE" : "NOT_SETUP",
            ["enrollment"] = "OPTIONAL",
            ["_links"] = new Dictionary<string, object>
            {
                ["enroll"] = new Dictionary<string, object> { ["href"] = enroll, ["hints"] = new Dictionary<string, string[]> { ["allow"] = ["POST"] } },
            },
        }).ToList());
    }

    private static string Provider(string factorType) => factorType switch
    {
        FactorTypes.Totp => "GOOGLE",
        FactorTypes.Webauthn => "FIDO",
        _ => "OKTA",
    };
}
