namespace ConsoleSignIn;

/// <summary>Minimal console prompts for the sample (a real app has its own UI).</summary>
// <snippet:prompt>
public static class Prompt
{
    public static string Ask(string label, bool secret = false)
    {
        Console.Write(label + ": ");
        if (!secret || Console.IsInputRedirected) return Console.ReadLine() ?? "";
        var typed = new System.Text.StringBuilder();
        for (var key = Console.ReadKey(intercept: true); key.Key != ConsoleKey.Enter; key = Console.ReadKey(intercept: true))
        {
            if (key.Key == ConsoleKey.Backspace && typed.Length > 0) typed.Length--;
            else if (!char.IsControl(key.KeyChar)) typed.Append(key.KeyChar);
        }
        Console.WriteLine();
        return typed.ToString();
    }
}
// </snippet:prompt>
