using System.Xml.Linq;

namespace DirectAuth.Server.Delivery;

/// <summary>The words sent: the text message, the sentences of the call, and the call as TwiML.</summary>
public static class MessageText
{
    public static string Sms(string sender, string code, TimeSpan lifetime) =>
        $"{sender}: your verification code is {code}. It expires in {Minutes(lifetime)}. Do not share it with anyone.";

    /// <summary>What the call says, digit by digit so that nobody has to catch "four hundred and twelve thousand".</summary>
    public static string Voice(string sender, string code) =>
        $"Hello, this is {sender}. Your verification code is: {Spoken(code)}. Again, your code is: {Spoken(code)}. Goodbye.";

    /// <summary>
    /// The call as TwiML: one &lt;Say&gt; per digit with a pause between, read twice. Built with XElement so a
    /// sender name cannot break the XML.
    /// </summary>
    public static string Twiml(string sender, string code, string? voice, string language)
    {
        XElement Say(string words)
        {
            var say = new XElement("Say", words, new XAttribute("language", language));
            if (!string.IsNullOrWhiteSpace(voice)) say.Add(new XAttribute("voice", voice));
            return say;
        }
        var response = new XElement("Response", Say($"Hello, this is {sender}. Your verification code is:"));
        for (var round = 0; round < 2; round++)
        {
            if (round == 1) response.Add(Say("Again, your code is:"));
            foreach (var digit in code)
            {
                response.Add(new XElement("Pause", new XAttribute("length", 1)));
                response.Add(Say(digit.ToString()));
            }
            response.Add(new XElement("Pause", new XAttribute("length", 1)));
        }
        response.Add(Say("Goodbye."));
        return response.ToString(SaveOptions.DisableFormatting);
    }

    private static string Spoken(string code) => string.Join(", ", code.ToCharArray());

    private static string Minutes(TimeSpan lifetime)
    {
        var minutes = Math.Max(1, (int)Math.Round(lifetime.TotalMinutes));
        return minutes == 1 ? "1 minute" : $"{minutes} minutes";
    }
}
