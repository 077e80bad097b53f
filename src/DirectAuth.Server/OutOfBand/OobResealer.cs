using DirectAuth.Server.Security;
using DirectAuth.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace DirectAuth.Server.OutOfBand;

/// <summary>After a master key rotation, seals the binding codes of live transactions under the new key.</summary>
internal sealed class OobResealer(SecretProtector protector, TimeProvider clock) : ISecretResealer
{
    public async Task<int> ResealAsync(DirectAuthDb db, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var live = await db.Set<OobTransaction>().Where(t => t.BindingSealed != null && t.ExpiresAt > now).ToListAsync(ct);
        var resealed = 0;
        foreach (var tx in live.Where(t => protector.NeedsReseal(t.BindingSealed!)))
        {
            tx.BindingSealed = protector.Protect(protector.Unprotect(tx.BindingSealed!));
            resealed++;
        }
        await db.SaveChangesAsync(ct);
        return resealed;
    }
}
