using System.Globalization;
using DirectAuth.Server.Phone;
using DirectAuth.Server.Delivery;
using DirectAuth.Server.Http;
using DirectAuth.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.Management;

/// <summary>
/// <c>GET /api/v1/outbox?phone=+15551234567&amp;limit=20</c>: the messages the outbox provider "sent", newest
/// first, with their codes — what the phone would have received. Answers 404 when another provider is configured.
/// </summary>
public static class OutboxApi
{
    public const int MaxLimit = 100;

    public static void MapOutboxApi(this RouteGroupBuilder api) => api.MapGet("/outbox", ListAsync);

    private static async Task<IResult> ListAsync(HttpContext http, DirectAuthDb db, IOptions<DeliveryOptions> options, IOptions<PhoneOptions> phoneOptions)
    {
        if (options.Value.Provider != DeliveryProviders.Outbox)
            return new OktaErrorResult(404, OktaErrors.Create("E0000007", "Not found: Resource not found: outbox",
                $"The delivery provider is '{options.Value.Provider}'; only the outbox provider keeps messages."));

        var query = http.Request.Query;
        if (query["phone"].Count > 1 || query["limit"].Count > 1)
            return Validation.Failed("query", "Each query parameter may be given once.");
        var limit = 20;
        if (query["limit"].Count == 1 && (!int.TryParse(query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
            return Validation.Failed("limit", $"limit: Must be a whole number from 1 to {MaxLimit}");

        var messages = db.Set<OutboxMessage>().AsNoTracking();
        if (query["phone"].Count == 1)
        {
            // Read as factor numbers are: a national number in Phone:DefaultRegion finds what was sent to its E.164 form.
            var region = phoneOptions.Value.DefaultRegion;
            if (PhoneNumber.Normalize(query["phone"], region) is not { } phone)
                return Validation.Failed("phone", "phone: " + PhoneNumber.RuleFor(region));
            messages = messages.Where(m => m.Recipient == phone);
        }
        var rows = await messages.OrderByDescending(m => m.Created).ThenByDescending(m => m.Id).Take(limit).ToListAsync(http.RequestAborted);
        return new JsonBodyResult(rows.Select(m => new
        {
            id = m.Id, channel = m.Channel, to = m.Recipient, code = m.Code, text = m.Text, purpose = m.Purpose, userId = m.UserId, created = m.Created,
        }).ToList());
    }
}
