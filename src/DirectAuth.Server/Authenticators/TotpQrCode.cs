using DirectAuth.Server.Http;
using DirectAuth.Server.Security;
using DirectAuth.Server.Settings;
using DirectAuth.Server.Storage;
using Microsoft.EntityFrameworkCore;
using QRCoder;

namespace DirectAuth.Server.Authenticators;

/// <summary>
/// GET <c>/api/v1/users/{userId}/factors/{factorId}/qr/{token}</c>: the QR code (PNG) of a pending TOTP
/// enrollment's <c>otpauth://</c> URI. Like Okta's, the link is a capability — no API token, so an
/// <c>&lt;img&gt;</c> can show it —: the token is 256 random bits (only its hash is stored), and it works
/// only while the factor is PENDING_ACTIVATION and the enrollment has not expired.
/// </summary>
public static class TotpQrCode
{
    public static string Link(string origin, Factor factor, string token) =>
        $"{origin}/api/v1/users/{factor.UserId}/factors/{factor.Id}/qr/{token}";

    public static void MapTotpQrCode(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/users/{userId}/factors/{factorId}/qr/{token}", ServeAsync);

    private static async Task<IResult> ServeAsync(string userId, string factorId, string token, HttpContext http, DirectAuthDb db,
        Security.SecretProtector protector, TimeProvider clock, Microsoft.Extensions.Options.IOptions<MfaOptions> options)
    {
        var factor = token.Length > 100 || factorId.Length > 64 ? null
            : await db.Set<Factor>().AsNoTracking().FirstOrDefaultAsync(f => f.Id == factorId && f.UserId == userId, http.RequestAborted);
        if (factor is not { Status: FactorStatus.PendingActivation, FactorType: FactorTypes.Totp }
            || !Secrets.Matches(token, factor.ActivationHash)
            || factor.ActivationExpiresAt is not { } expires || expires <= clock.GetUtcNow())
            return Validation.NotFound($"{factorId} (QR code)");

        var login = await db.Set<Users.User>().AsNoTracking().Where(u => u.Id == factor.UserId).Select(u => u.Login).FirstAsync(http.RequestAborted);
        var settings = TotpSettings.Of(factor);
        var secret = TotpBase32.Encode(protector.Unprotect(factor.SealedSecret!));
        var uri = settings.OtpAuthUri(secret, login, options.Value.TotpIssuer);
        var png = PngByteQRCodeHelper.GetQRCode(uri, QRCodeGenerator.ECCLevel.M, 6);
        return Results.Bytes(png, "image/png");
    }
}
