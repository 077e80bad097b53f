using System.Diagnostics;

namespace DirectAuth.Server.Tests.Totp;

/// <summary>
/// <c>oathtool</c> (Debian package, installed by scripts/install-deps): an independent TOTP generator, so
/// tests never check the server's codes with the server's own algorithm.
/// </summary>
public static class OathTool
{
    public static string Totp(string base32Secret, DateTimeOffset at, string algorithm = "sha1", int digits = 6)
    {
        var start = new ProcessStartInfo("oathtool")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { $"--totp={algorithm}", "-b", "-d", digits.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "-N", "@" + at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), base32Secret })
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("oathtool did not start; run scripts/install-deps.");
        var output = process.StandardOutput.ReadToEnd().Trim();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"oathtool failed: {error}");
        return output;
    }
}
