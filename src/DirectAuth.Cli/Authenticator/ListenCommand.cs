using DirectAuth.Authenticator;
using System.CommandLine;
using System.Threading.Channels;
using DirectAuth.Protocol;

namespace DirectAuth.Cli.Authenticator;

/// <summary>
/// <c>directauth authenticator listen</c>: stays connected (reconnecting and resuming) and shows each push.
/// Interactive by default; for scripts and tests, flags answer the next push (<c>--approve-next</c>,
/// <c>--deny-next</c>, <c>--not-me-next</c>, <c>--pick N</c>), <c>--once</c> stops after it, <c>--json</c>
/// prints one JSON object per line.
/// </summary>
public static class ListenCommand
{
    /// <summary>Exit codes: 0 answered (or stopped), 1 setup error, 2 the server refused the answer, 3 timed out waiting.</summary>
    public const int Refused = 2, TimedOut = 3;

    public static Command Create()
    {
        var account = new Option<string?>("--account") { Description = "Only this account (login or factor id); default: every push account" };
        var approve = new Option<bool>("--approve-next") { Description = "Approve the next push (one without a number challenge; see --pick)" };
        var deny = new Option<bool>("--deny-next") { Description = "Deny the next push" };
        var notMe = new Option<bool>("--not-me-next") { Description = "Answer the next push with \"this wasn't me\"" };
        var pick = new Option<string?>("--pick") { Description = "Approve the next push picking (or typing) this number" };
        var once = new Option<bool>("--once") { Description = "Exit after the first push (answered, or shown when not answering)" };
        var json = new Option<bool>("--json") { Description = "Print events as JSON lines instead of panels" };
        var timeout = new Option<int?>("--timeout") { Description = "With --once: give up after this many seconds (exit code 3)" };
        var command = new Command("listen", "Listen for pushes and approve, deny or pick the number.") { account, approve, deny, notMe, pick, once, json, timeout };
        command.SetAction(async (parse, ct) =>
        {
            var state = AuthenticatorState.Load(parse.GetValue(AuthenticatorCommand.State)!);
            var filter = parse.GetValue(account);
            var accounts = state.Push.Where(a => filter is null || a.Login.Equals(filter, StringComparison.OrdinalIgnoreCase) || a.FactorId == filter).ToList();
            if (accounts.Count == 0)
            {
                Console.Error.WriteLine(filter is null ? "No push accounts. Activate one with: directauth authenticator activate <link>" : $"No push account '{filter}'.");
                return 1;
            }
            var scripted = (parse.GetValue(approve), parse.GetValue(deny), parse.GetValue(notMe), parse.GetValue(pick)) switch
            {
                (true, _, _, _) => new Answer(PushDecisions.Approve, null),
                (_, true, _, _) => new Answer(PushDecisions.Deny, null),
                (_, _, true, _) => new Answer(PushDecisions.NotMe, null),
                (_, _, _, { } n) => new Answer(PushDecisions.Approve, n),
                _ => null,
            };
            var output = parse.GetValue(json) ? (PushOutput)new JsonPushOutput(Console.Out) : new ConsolePushOutput();
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            if (parse.GetValue(once) && parse.GetValue(timeout) is { } seconds) limit.CancelAfter(TimeSpan.FromSeconds(seconds));
            var listener = new PushListener(accounts, output, scripted, parse.GetValue(once),
                interactive: scripted is null && !parse.GetValue(json) && !Console.IsInputRedirected && !Console.IsOutputRedirected);
            try
            {
                return await listener.RunAsync(limit.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                output.Error("Timed out waiting for a push.");
                return TimedOut;
            }
            catch (OperationCanceledException)
            {
                return 0;
            }
            catch (DeviceApiException ex)
            {
                output.Error($"The server refused this device: {ex.Message}");
                return 1;
            }
        });
        return command;
    }
}

/// <summary>What to answer: a decision and, for a number challenge, the number.</summary>
public sealed record Answer(string Decision, string? Number);

/// <summary>Runs the listening loop over one or more push accounts.</summary>
public sealed class PushListener(IReadOnlyList<PushAccount> accounts, PushOutput output, Answer? scripted, bool once, bool interactive)
{
    public async Task<int> RunAsync(CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var device = new PushDeviceClient(http, TimeProvider.System);
        var events = Channel.CreateUnbounded<(PushAccount Account, DeviceEvent Event)>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var readers = accounts.Select(a => Task.Run(async () =>
        {
            try
            {
                await foreach (var e in device.ListenAsync(a, stop.Token)) await events.Writer.WriteAsync((a, e), stop.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // Stopped: answered with --once, timed out, or Ctrl+C.
            }
            catch (Exception ex)
            {
                events.Writer.TryComplete(ex);
            }
        }, CancellationToken.None)).ToList();

        var pending = scripted;
        try
        {
            await foreach (var (account, e) in events.Reader.ReadAllAsync(stop.Token))
            {
                switch (e)
                {
                    case StreamConnected c: output.Connected(account, c.Resumed); break;
                    case StreamLost lost: output.Disconnected(account, lost.Reason, lost.RetryIn); break;
                    case PushResolved r: output.Resolved(r.Resolution); break;
                    case NoticeReceived n: output.Notice(n.Notice); break;
                    case PushReceived { Push: var push }:
                        output.Push(account, push);
                        var answer = pending ?? (interactive ? ConsolePushOutput.Ask(push) : null);
                        pending = null;
                        if (answer is not null)
                        {
                            if (push.Challenge == PushChallenges.None || answer.Decision != PushDecisions.Approve) answer = answer with { Number = null };
                            else if (answer.Number is null)
                            {
                                output.Error("This push has a number challenge: approve it with --pick <number> (or interactively).");
                                if (once) return ListenCommand.Refused;
                                break;
                            }
                            try
                            {
                                var result = await device.AnswerAsync(account, push.TransactionId, answer.Decision, answer.Number, stop.Token);
                                output.Answered(result);
                                if (once) return result.Status == "APPROVED" || answer.Decision != PushDecisions.Approve ? 0 : ListenCommand.Refused;
                            }
                            catch (DeviceApiException ex)
                            {
                                output.Error($"The server refused the answer: {ex.Message}");
                                if (once) return ListenCommand.Refused;
                            }
                        }
                        else if (once) return 0;
                        break;
                }
            }
            return 0;
        }
        catch (ChannelClosedException closed) when (closed.InnerException is DeviceApiException refused)
        {
            throw refused;
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(readers);
        }
    }
}
