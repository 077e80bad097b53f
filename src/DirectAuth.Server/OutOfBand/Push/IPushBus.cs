namespace DirectAuth.Server.OutOfBand.Push;

/// <summary>
/// Carries push signals to the instance where the device is connected. One process (SQLite): straight to
/// this process's <see cref="PushHub"/>. Several instances (PostgreSQL): <c>NOTIFY</c>, which every instance's
/// <see cref="PostgresPushBus"/> listener hears and hands to its own hub.
/// </summary>
public interface IPushBus
{
    Task PublishAsync(PushSignal signal, CancellationToken ct);
}

/// <summary>Delivery within one process.</summary>
public sealed class InProcessPushBus(PushHub hub) : IPushBus
{
    public Task PublishAsync(PushSignal signal, CancellationToken ct)
    {
        hub.Dispatch(signal);
        return Task.CompletedTask;
    }
}
