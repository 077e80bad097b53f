using System.CommandLine;
using static DirectAuth.Cli.Admin.MfaAdminRequests;

namespace DirectAuth.Cli.Admin;

/// <summary>
/// <c>directauth admin factors</c>: a user's authenticators over the Factors API — list, enroll TOTP (QR code
/// in the terminal and as a PNG file), activate with a code, delete — and the user's recovery codes.
/// </summary>
public static class FactorsCommand
{
    private static readonly Argument<string> User = new("user") { Description = "User id or login" };
    private static readonly Argument<string> FactorId = new("factorId") { Description = "Factor id (from 'factors list')" };
    private static readonly Option<bool> Json = new("--json") { Description = "Print the API's JSON" };

    public static Command Create()
    {
        var factors = new Command("factors", "A user's authenticators (Okta Factors API).");
        factors.Subcommands.Add(List());
        factors.Subcommands.Add(EnrollTotp());
        factors.Subcommands.Add(Activate());
        factors.Subcommands.Add(Delete());
        factors.Subcommands.Add(RecoveryCodes());
        return factors;
    }

    private static Command List()
    {
        var command = new Command("list", "List a user's factors.") { User, Json };
        command.SetAction(parse => RunAsync(parse, async http =>
        {
            var list = await GetAsync(http, $"api/v1/users/{Seg(parse.GetValue(User)!)}/factors");
            if (parse.GetValue(Json)) { PrintJson(list); return; }
            PrintTable(["ID", "TYPE", "PROVIDER", "STATUS", "CREATED"],
                list.EnumerateArray().Select(f => new[] { Str(f, "id"), Str(f, "factorType"), Str(f, "provider"), Str(f, "status"), Str(f, "created") }));
        }));
        return command;
    }

    private static Command EnrollTotp()
    {
        var algorithm = new Option<string>("--algorithm") { Description = "SHA1 (default, what most apps support), SHA256 or SHA512", DefaultValueFactory = _ => "SHA1" };
        var digits = new Option<int>("--digits") { Description = "6 (default) or 8", DefaultValueFactory = _ => 6 };
        var png = new Option<string?>("--png") { Description = "Where to write the QR code image (default: totp-<factorId>.png)" };
        var command = new Command("enroll-totp", "Enroll a TOTP authenticator: shows the QR code to scan, writes it as a PNG, prints the secret.")
        {
            User, algorithm, digits, png, Json,
        };
        command.SetAction(parse => RunAsync(parse, async http =>
        {
            var user = parse.GetValue(User)!;
            var factor = await PostAsync(http, $"api/v1/users/{Seg(user)}/factors", new
            {
                factorType = "token:software:totp",
                provider = "GOOGLE",
                profile = new { algorithm = parse.GetValue(algorithm), digits = parse.GetValue(digits) },
            });
            var id = Str(factor, "id");
            var activation = factor.GetProperty("_embedded").GetProperty("activation");
            var qrLink = activation.GetProperty("_links").GetProperty("qrcode").GetProperty("href").GetString()!;
            var file = parse.GetValue(png) ?? $"totp-{id}.png";
            // The QR link is a capability URL on the server; fetch it as-is (it may name the server's public origin).
            var image = await http.GetByteArrayAsync(new Uri(qrLink));
            await File.WriteAllBytesAsync(file, image);

            if (parse.GetValue(Json)) { PrintJson(factor); return; }
            var uri = Str(activation, "otpauthUri");
            Console.WriteLine(TerminalQrCode.Render(uri));
            Console.WriteLine($"Factor:       {id} ({Str(factor, "status")})");
            Console.WriteLine($"Secret:       {Str(activation, "sharedSecret")} (base32, {Str(activation, "algorithm")}, {Str(activation, "digits")} digits, {Str(activation, "timeStep")} s)");
            Console.WriteLine($"otpauth URI:  {uri}");
            Console.WriteLine($"QR code PNG:  {Path.GetFullPath(file)}");
            Console.WriteLine($"Expires:      {Str(activation, "expiresAt")}");
            Console.WriteLine();
            Console.WriteLine("Scan it with an authenticator app, then activate with the code it shows:");
            Console.WriteLine($"  directauth admin factors activate {user} {id} <code>");
        }));
        return command;
    }

    private static Command Activate()
    {
        var code = new Argument<string>("passCode") { Description = "The current code from the authenticator app" };
        var command = new Command("activate", "Activate a pending factor with a code; prints the user's new recovery codes once.") { User, FactorId, code, Json };
        command.SetAction(parse => RunAsync(parse, async http =>
        {
            var factor = await PostAsync(http, $"api/v1/users/{Seg(parse.GetValue(User)!)}/factors/{Seg(parse.GetValue(FactorId)!)}/lifecycle/activate",
                new { passCode = parse.GetValue(code) });
            if (parse.GetValue(Json)) { PrintJson(factor); return; }
            Console.WriteLine($"Factor {Str(factor, "id")} is {Str(factor, "status")}.");
            if (factor.TryGetProperty("_embedded", out var embedded) && embedded.TryGetProperty("recoveryCodes", out var codes))
            {
                Console.WriteLine("Recovery codes (each works once; they are not shown again):");
                foreach (var c in codes.EnumerateArray()) Console.WriteLine("  " + c.GetString());
            }
        }));
        return command;
    }

    private static Command Delete()
    {
        var command = new Command("delete", "Delete (reset) a factor.") { User, FactorId };
        command.SetAction(parse => RunAsync(parse, async http =>
        {
            await DeleteAsync(http, $"api/v1/users/{Seg(parse.GetValue(User)!)}/factors/{Seg(parse.GetValue(FactorId)!)}");
            Console.WriteLine($"Deleted factor {parse.GetValue(FactorId)}.");
        }));
        return command;
    }

    private static Command RecoveryCodes()
    {
        var regenerate = new Option<bool>("--new") { Description = "Issue a new set (the old codes stop working) and print it once" };
        var command = new Command("recovery-codes", "How many recovery codes a user has left, or a new set with --new.") { User, regenerate, Json };
        command.SetAction(parse => RunAsync(parse, async http =>
        {
            var path = $"api/v1/users/{Seg(parse.GetValue(User)!)}/recovery-codes";
            var result = parse.GetValue(regenerate) ? await PostAsync(http, path, null) : await GetAsync(http, path);
            if (parse.GetValue(Json)) { PrintJson(result); return; }
            if (result.TryGetProperty("recoveryCodes", out var codes))
            {
                Console.WriteLine("Recovery codes (each works once; they are not shown again):");
                foreach (var c in codes.EnumerateArray()) Console.WriteLine("  " + c.GetString());
            }
            else Console.WriteLine($"{Str(result, "remaining")} unused recovery codes.");
        }));
        return command;
    }
}
