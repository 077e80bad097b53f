using System.Text.Json;
using DirectAuth.Protocol;
using DirectAuth.Server.Authenticators;
using DirectAuth.Server.Http;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Security;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using QRCoder;

namespace DirectAuth.Server.OutOfBand.Push;

/// <summary>
/// Factor type <c>push</c> (the authenticator app), Okta-shaped: enrolling answers PENDING_ACTIVATION with
/// <c>_embedded.activation</c> — an activation code, a <c>directauth://push/activate</c> link and its QR code,
/// and when they expire. The code is random (256 bits), stored only as its hash, single use. The device
/// activates with it at <c>/api/v1/authenticators/push/activate</c> (<c>PushActivation</c>). One push factor per
/// user; POST <c>lifecycle/activate</c> on a pending one issues a fresh code (the old one stops working).
/// </summary>
public sealed class PushFactorHandler(DirectAuthDb db, TimeProvider clock, IOptions<OutOfBandOptions> options, AuditLog audit, FactorChangeActor actor) : IFactorHandler
{
    public string FactorType => FactorTypes.Push;

    public async Task<IResult> EnrollAsync(FactorEnrollment request, CancellationToken ct)
    {
        if (request.Body.TryGetProperty("provider", out var provider) && (provider.ValueKind != JsonValueKind.String || provider.GetString() != "OKTA"))
            return Validation.Failed("provider", "provider: The push factor's provider must be OKTA");
        var existing = await db.Set<Factor>().Where(f => f.UserId == request.User.Id && f.FactorType == FactorTypes.Push).ToListAsync(ct);
        if (existing.Any(f => f.Status == FactorStatus.Active))
            return Validation.Failed("factorEnrollRequest", "There is an existing verified push factor; reset it (DELETE the factor) to enroll a new device.");

        var now = clock.GetUtcNow();
        var factor = existing.FirstOrDefault();
        if (factor is null)
        {
            factor = new Factor
            {
                Id = Secrets.NewId("opf"), UserId = request.User.Id, FactorType = FactorTypes.Push, Provider = "OKTA",
                Status = FactorStatus.PendingActivation, Created = now, LastUpdated = now,
            };
            db.Add(factor);
        }
        return await IssueActivationAsync(factor, request.User, request.Origin, ct);
    }

    /// <summary>On a pending push factor: a fresh activation code (e.g. after the first one expired).</summary>
    public Task<IResult> ActivateAsync(Factor factor, User user, JsonElement body, string origin, CancellationToken ct) =>
        IssueActivationAsync(factor, user, origin, ct);

    public Dictionary<string, object?> Represent(Factor factor, string origin)
    {
        var representation = FactorRepresentation.Base(factor, origin);
        if (factor.Status == FactorStatus.PendingActivation)
            representation["_embedded"] = new Dictionary<string, object?> { ["activation"] = Activation(factor, null, origin) };
        return representation;
    }

    private async Task<IResult> IssueActivationAsync(Factor factor, User user, string origin, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var code = Secrets.NewHandle();
        factor.ActivationHash = Secrets.Hash(code);
        factor.ActivationExpiresAt = now.AddSeconds(options.Value.Push.ActivationSeconds);
        factor.LastUpdated = now;
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditEntry(OobEvents.FactorEnrolled, Outcomes.Success, "Push authenticator enrollment started: activation code issued")
        {
            ActorType = actor.Type, ActorId = actor.Id, ActorAlternateId = actor.AlternateId, TargetId = user.Id, TargetType = "User", TargetAlternateId = user.Login,
            Details = new Dictionary<string, string> { ["factorId"] = factor.Id, ["factorType"] = FactorTypes.Push, ["expiresAt"] = factor.ActivationExpiresAt.Value.ToString("O") },
        }, ct);
        var representation = FactorRepresentation.Base(factor, origin);
        representation["_embedded"] = new Dictionary<string, object?> { ["activation"] = Activation(factor, code, origin) };
        return new JsonBodyResult(representation);
    }

    /// <summary>Okta's <c>_embedded.activation</c>; the code, link and QR only in the answer that issued them (only the hash is kept).</summary>
    private Dictionary<string, object?> Activation(Factor factor, string? code, string origin)
    {
        var expired = factor.ActivationExpiresAt is not { } at || at <= clock.GetUtcNow();
        var activation = new Dictionary<string, object?>
        {
            ["expiresAt"] = factor.ActivationExpiresAt,
            ["factorResult"] = expired ? "TIMEOUT" : "WAITING",
        };
        if (code is null) return activation;
        var link = $"{PushDeviceApi.ActivationLinkPrefix}?server={Uri.EscapeDataString(origin)}&code={Uri.EscapeDataString(code)}";
        activation["activationCode"] = code;
        activation["activationLink"] = link;
        activation["_links"] = new Dictionary<string, object>
        {
            ["qrcode"] = new Dictionary<string, string> { ["href"] = "data:image/png;base64," + Convert.ToBase64String(QrPng(link)), ["type"] = "image/png" },
            ["activate"] = new Dictionary<string, string> { ["href"] = origin + PushDeviceApi.ActivatePath, ["hints"] = "POST application/jose" },
        };
        return activation;
    }

    private static byte[] QrPng(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        return new PngByteQRCode(data).GetGraphic(4);
    }
}
