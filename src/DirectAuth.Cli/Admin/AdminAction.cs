using System.CommandLine;

namespace DirectAuth.Cli.Admin;

/// <summary>A problem with what was typed that the command finds before calling the server (bad date, missing file).</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>What an admin command's action works with: its parsed arguments, the API client, and the output.</summary>
public sealed record AdminContext(ParseResult Parse, ManagementClient Api, AdminOutput Out, CancellationToken Ct)
{
    public T? Get<T>(Option<T> option) => Parse.GetValue(option);

    public T Get<T>(Argument<T> argument) => Parse.GetValue(argument)!;
}

/// <summary>
/// Runs an admin command's action and maps failures to exit codes: 0 done, 1 the API (or the command line)
/// refused, 2 the server could not be reached. An error is one line on stderr.
/// </summary>
public static class AdminAction
{
    public const int Refused = 1;
    public const int Unreachable = 2;

    public static void Set(Command command, Func<AdminContext, Task> action) =>
        command.SetAction((result, ct) => RunAsync(result, action, ct));

    public static async Task<int> RunAsync(ParseResult result, Func<AdminContext, Task> action, CancellationToken ct)
    {
        try
        {
            using var client = ManagementClient.Connect(result.GetValue(AdminCommand.Server)!, AdminCommand.TokenFrom(result, AdminCommand.Token));
            await action(new AdminContext(result, client, new AdminOutput(result.GetValue(AdminCommand.Json)), ct));
            return 0;
        }
        catch (ApiErrorException e) { return Fail(e.Message, Refused); }
        catch (UsageException e) { return Fail(e.Message, Refused); }
        catch (ConnectionProblemException e) { return Fail(e.Message, Unreachable); }
    }

    private static int Fail(string message, int code)
    {
        Console.Error.WriteLine("Error: " + message);
        return code;
    }
}
