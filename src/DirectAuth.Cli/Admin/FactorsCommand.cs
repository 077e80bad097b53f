using System.CommandLine;

namespace DirectAuth.Cli.Admin;

/// <summary>
/// <c>directauth admin factors</c>: a user's authenticators over the Factors API — list, enroll TOTP (QR code
/// in the terminal and as a PNG file), push (activation link and its QR in the terminal), SMS and voice call
/// (the code goes to the phone), activate with a code, delete (a passkey among several too) — and the user's
/// recovery codes. Passkeys are enrolled by <c>directauth authenticator passkey register</c>.
/// </summary>
public static class FactorsCommand
{
    private static readonly Argument<string> User = new("user") { Description = "User id or login" };
    private static readonly Argument<string> FactorId = new("factorId") { Description = "Factor id (from 'factors list')" };

    public static Command Create()
    {
        var factors = new Command("factors", "A user's authenticators (Okta Factors API) and recovery codes.");
        factors.Subcommands.Add(List());
        factors.Subcommands.Add(EnrollTotp());
        factors.Subcommands.Add(EnrollPush());
        factors.Subcommands.Add(EnrollPhone("sms", "a text message"));
        factors.Subcommands.Add(EnrollPhone("call", "a voice call"));
        factors.Subcommands.Add(Activate());
        factors.Subcommands.Add(Delete());
        factors.Subcommands.Add(RecoveryCodes());
        return factors;
    }

    private static string Seg(string value) => Uri.EscapeDataString(value);

    private static Command List()
    {
        var command = new Command("list", "List a user's factors: phone numbers (sms, call), device names (push), passkeys' name and AAGUID.") { User };
        AdminAction.Set(command, async c =>
        {
            var response = await c.Api.GetAsync($"api/v1/users/{Seg(c.Get(User))}/factors", c.Ct);
            c.Out.Print(response, () => c.Out.Table(["ID", "TYPE", "PROVIDER", "STATUS", "CREATED", "NAME", "PHONE", "AAGUID"], response.Json.Items().Select(f => new[]
            {
                f.Str("id"), f.Str("factorType"), f.Str("provider"), f.Str("status"), f.Time("created"),
                // A passkey's profile names it authenticatorName, a push device's name (set when the app activates).
                f.Str("profile", "authenticatorName") ?? f.Str("profile", "name") ?? "", f.Str("profile", "phoneNumber") ?? "", f.Str("profile", "aaguid") ?? "",
            })));
        });
        return command;
    }

    private static Command EnrollTotp()
    {
        var algorithm = new Option<string>("--algorithm") { Description = "SHA1 (default; what most apps support), SHA256 or SHA512", DefaultValueFactory = _ => "SHA1" };
        var digits = new Option<int>("--digits") { Description = "6 (default) or 8", DefaultValueFactory = _ => 6 };
        var png = new Option<string?>("--png") { Description = "Where to write the QR code image (default: totp-<factorId>.png here)" };
        var command = new Command("enroll-totp", "Enroll a TOTP authenticator: shows the QR code to scan, writes it as a PNG, prints the secret.")
        {
            User, algorithm, digits, png,
        };
        AdminAction.Set(command, async c =>
        {
            var user = c.Get(User);
            var response = await c.Api.PostAsync($"api/v1/users/{Seg(user)}/factors", new
            {
                factorType = "token:software:totp",
                provider = "GOOGLE",
                profile = new { algorithm = c.Get(algorithm), digits = c.Get(digits) },
            }, c.Ct);
            var factor = response.Json;
            var id = factor.Str("id")!;
            var activation = factor.GetProperty("_embedded").GetProperty("activation");
            var file = Path.GetFullPath(c.Get(png) ?? $"totp-{id}.png");
            await File.WriteAllBytesAsync(file, await DownloadAsync(activation.Str("_links", "qrcode", "href")!, c.Ct), c.Ct);

            c.Out.Print(response, () =>
            {
                var uri = activation.Str("otpauthUri")!;
                Console.Out.WriteLine(TerminalQrCode.Render(uri));
                c.Out.Line($"Factor:       {id} ({factor.Str("status")})");
                c.Out.Important("Secret", $"{activation.Str("sharedSecret")} (base32, {activation.Str("algorithm")}, {activation.Str("digits")} digits, {activation.Str("timeStep")} s)");
                c.Out.Line($"otpauth URI:  {uri}");
                c.Out.Line($"QR code PNG:  {file}");
                c.Out.Line($"Expires:      {activation.Time("expiresAt")} UTC");
                c.Out.Line("");
                c.Out.Line("Scan it with an authenticator app, then activate with the code it shows:");
                c.Out.Line($"  directauth admin factors activate {user} {id} <code>");
            });
        });
        return command;
    }

    private static Command EnrollPush()
    {
        var command = new Command("enroll-push", "Enroll the authenticator app: shows the activation link and its QR code; the app activates with it.") { User };
        AdminAction.Set(command, async c =>
        {
            var user = c.Get(User);
            var response = await c.Api.PostAsync($"api/v1/users/{Seg(user)}/factors", new { factorType = "push", provider = "OKTA" }, c.Ct);
            var factor = response.Json;
            var activation = factor.GetProperty("_embedded").GetProperty("activation");
            c.Out.Print(response, () =>
            {
                var link = activation.Str("activationLink")!;
                Console.Out.WriteLine(TerminalQrCode.Render(link));
                c.Out.Line($"Factor:           {factor.Str("id")} ({factor.Str("status")})");
                c.Out.Important("Activation link", link);
                c.Out.Line($"Expires:          {activation.Time("expiresAt")} UTC");
                c.Out.Line("");
                c.Out.Line("Scan the QR code with the authenticator app, or activate on the device with the link:");
                c.Out.Line($"  directauth authenticator activate '{link}'");
            });
        });
        return command;
    }

    /// <summary><c>enroll-sms</c> / <c>enroll-call</c>: the server sends an activation code to the number; <c>activate</c> takes it.</summary>
    private static Command EnrollPhone(string factorType, string how)
    {
        var phone = new Argument<string>("phoneNumber") { Description = "The phone number, E.164 (+14155552671)" };
        var command = new Command($"enroll-{factorType}", $"Enroll a phone for {how}: the server sends an activation code to it.") { User, phone };
        AdminAction.Set(command, async c =>
        {
            var user = c.Get(User);
            var response = await c.Api.PostAsync($"api/v1/users/{Seg(user)}/factors",
                new { factorType, provider = "OKTA", profile = new { phoneNumber = c.Get(phone) } }, c.Ct);
            var factor = response.Json;
            c.Out.Print(response, () =>
            {
                c.Out.Line($"Factor: {factor.Str("id")} ({factor.Str("status")})");
                c.Out.Line($"Sent an activation code by {how} to {factor.Str("profile", "phoneNumber")}. Activate with it:");
                c.Out.Line($"  directauth admin factors activate {user} {factor.Str("id")} <code>");
            });
        });
        return command;
    }

    /// <summary>The QR code link is a capability URL (no API token); it may name the server's public origin.</summary>
    private static async Task<byte[]> DownloadAsync(string url, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        try
        {
            using var response = await http.GetAsync(new Uri(url), ct);
            if (!response.IsSuccessStatusCode) throw new ApiErrorException($"The QR code link answered HTTP {(int)response.StatusCode}: {url}");
            return await response.Content.ReadAsByteArrayAsync(ct);
        }
        catch (HttpRequestException e)
        {
            throw new ConnectionProblemException($"Cannot fetch the QR code from {url}: {e.Message}");
        }
    }

    private static Command Activate()
    {
        var code = new Argument<string>("passCode") { Description = "The current code from the authenticator app (TOTP), or the code sent to the phone (sms, call)" };
        var command = new Command("activate", "Activate a pending TOTP, sms or call factor with a code; prints the user's new recovery codes once.") { User, FactorId, code };
        AdminAction.Set(command, async c =>
        {
            var response = await c.Api.PostAsync($"api/v1/users/{Seg(c.Get(User))}/factors/{Seg(c.Get(FactorId))}/lifecycle/activate",
                new { passCode = c.Get(code) }, c.Ct);
            c.Out.Print(response, () =>
            {
                c.Out.Line($"Factor {response.Json.Str("id")} is {response.Json.Str("status")}.");
                if (response.Json.TryGetProperty("_embedded", out var embedded) && embedded.TryGetProperty("recoveryCodes", out var codes))
                    PrintCodes(c.Out, codes.Items().Select(x => x.GetString()!));
            });
        });
        return command;
    }

    private static Command Delete()
    {
        var command = new Command("delete", "Delete (reset) a factor.") { User, FactorId };
        AdminAction.Set(command, async c =>
        {
            await c.Api.DeleteAsync($"api/v1/users/{Seg(c.Get(User))}/factors/{Seg(c.Get(FactorId))}", c.Ct);
            c.Out.Line($"Deleted factor {c.Get(FactorId)}.");
        });
        return command;
    }

    private static Command RecoveryCodes()
    {
        var regenerate = new Option<bool>("--new") { Description = "Issue a new set (the old codes stop working) and print it once" };
        var command = new Command("recovery-codes", "How many recovery codes a user has left, or a new set with --new.") { User, regenerate };
        AdminAction.Set(command, async c =>
        {
            var path = $"api/v1/users/{Seg(c.Get(User))}/recovery-codes";
            var response = c.Get(regenerate) ? await c.Api.PostAsync(path, null, c.Ct) : await c.Api.GetAsync(path, c.Ct);
            c.Out.Print(response, () =>
            {
                if (response.Json.TryGetProperty("recoveryCodes", out var codes)) PrintCodes(c.Out, codes.Items().Select(x => x.GetString()!));
                else c.Out.Line($"{response.Json.Str("remaining")} unused recovery codes.");
            });
        });
        return command;
    }

    private static void PrintCodes(AdminOutput output, IEnumerable<string> codes)
    {
        output.Line("Recovery codes (each works once; they are not shown again):");
        foreach (var code in codes) output.Line("  " + code);
    }
}
