using DirectAuth.Protocol;
using DirectAuth.Server.Applications;
using DirectAuth.Server.Authenticators;
using DirectAuth.Server.Security;
using DirectAuth.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace DirectAuth.Server.OutOfBand.Push;

/// <summary>
/// The pushes a device has to answer, as it shows them: what the event stream sends, and what a phone woken
/// by APNs/FCM fetches (<see cref="PushDeviceApi.PendingPath"/>), since its wake-up carries no details.
/// </summary>
public static class PushPending
{
    public static async Task<List<(long Seq, PushNotification Push)>> ReadAsync(
        DirectAuthDb db, SecretProtector protector, Factor factor, string login, long after, DateTimeOffset now, CancellationToken ct)
    {
        var pending = await db.Set<OobTransaction>().AsNoTracking()
            .Where(t => t.FactorId == factor.Id && t.Status == OobStatus.Pending && t.Seq > after && t.ExpiresAt > now)
            .OrderBy(t => t.Seq).ToListAsync(ct);
        var clientIds = pending.Select(t => t.ClientId).Distinct().ToList();
        var names = await db.Set<Application>().AsNoTracking().Where(a => clientIds.Contains(a.ClientId)).ToDictionaryAsync(a => a.ClientId, a => a.Name, ct);
        return pending.Select(tx => (tx.Seq, new PushNotification
        {
            TransactionId = tx.Id, FactorId = factor.Id, Login = login, AppName = names.GetValueOrDefault(tx.ClientId, tx.ClientId), ClientId = tx.ClientId,
            CreatedAt = tx.Created, ExpiresAt = tx.ExpiresAt, IpAddress = tx.IpAddress, UserAgent = tx.UserAgent,
            Challenge = Challenge(protector, tx, out var numbers), Numbers = numbers, Mfa = tx.MfaTransactionId is not null,
        })).ToList();
    }

    private static string Challenge(SecretProtector protector, OobTransaction tx, out IReadOnlyList<string>? numbers)
    {
        numbers = null;
        if (tx.BindingMethod != BindingMethods.Transfer) return PushChallenges.None;
        numbers = OobBindingCodes.Unseal(protector, tx.BindingSealed)?.Choices;
        return numbers is null ? PushChallenges.Type : PushChallenges.Pick;
    }
}
