using DirectAuth.Server.Storage;

namespace DirectAuth.Server.Security;

/// <summary>A feature that keeps secrets sealed by <see cref="SecretProtector"/> re-seals them under the current master key on start.</summary>
public interface ISecretResealer
{
    Task<int> ResealAsync(DirectAuthDb db, CancellationToken ct);
}
