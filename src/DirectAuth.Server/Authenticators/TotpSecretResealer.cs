using DirectAuth.Server.Security;
using DirectAuth.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace DirectAuth.Server.Authenticators;

/// <summary>After a master key rotation, seals every TOTP seed again under the current master key (on start, under the migration lock).</summary>
public sealed class TotpSecretResealer(SecretProtector protector) : ISecretResealer
{
    public async Task<int> ResealAsync(DirectAuthDb db, CancellationToken ct)
    {
        var count = 0;
        foreach (var factor in await db.Set<Factor>().Where(f => f.FactorType == FactorTypes.Totp && f.SealedSecret != null).ToListAsync(ct))
        {
            if (!protector.NeedsReseal(factor.SealedSecret!)) continue;
            var secret = protector.Unprotect(factor.SealedSecret!);
            factor.SealedSecret = protector.Protect(secret);
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(secret);
            count++;
        }
        await db.SaveChangesAsync(ct);
        return count;
    }
}
