using System.Globalization;
using System.Text.RegularExpressions;

namespace DirectAuth.Server.Tests.Operations;

/// <summary>One scrape of /metrics, read as Prometheus text exposition: a value per series (name and labels).</summary>
public sealed partial class PrometheusScrape
{
    public string Text { get; }
    private readonly List<(string Name, Dictionary<string, string> Labels, double Value)> _series = [];

    public PrometheusScrape(string text)
    {
        Text = text;
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#') continue;
            var m = SeriesLine().Match(line);
            Assert.True(m.Success, "not a Prometheus series line: " + line);
            var labels = Label().Matches(m.Groups["labels"].Value).ToDictionary(l => l.Groups[1].Value, l => l.Groups[2].Value);
            _series.Add((m.Groups["name"].Value, labels, double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture)));
        }
    }

    /// <summary>The sum over the series of <paramref name="name"/> that have every label given (0 when none).</summary>
    public double Value(string name, params (string Label, string Value)[] labels) =>
        _series.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Label, out var v) && v == l.Value)).Sum(s => s.Value);

    public bool Has(string name) => _series.Any(s => s.Name == name);

    public static async Task<PrometheusScrape> FromAsync(HttpClient http, string path = "/metrics")
    {
        var response = await http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType ?? "", StringComparison.Ordinal);
        return new PrometheusScrape(text);
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+(?<value>\S+)(\s+\d+)?$")]
    private static partial Regex SeriesLine();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex Label();
}
