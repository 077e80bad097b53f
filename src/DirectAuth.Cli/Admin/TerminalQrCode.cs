using QRCoder;

namespace DirectAuth.Cli.Admin;

/// <summary>Draws a QR code in the terminal with half-block characters (two modules per character cell).</summary>
internal static class TerminalQrCode
{
    public static string Render(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        using var ascii = new AsciiQRCode(data);
        // Inverted: light modules are drawn as blocks, so on the usual dark terminal background the code reads dark-on-light, as cameras expect.
        return ascii.GetGraphicSmall(drawQuietZones: true, invert: true);
    }
}
