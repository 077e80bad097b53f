using System.Text.RegularExpressions;

namespace DirectAuth.Server.Tests.Architecture;

/// <summary>
/// Issue 15's layering (docs/development.md, "Layers"): the top folders of src/DirectAuth.Server, read from their
/// <c>using DirectAuth.Server.X</c> lines as <c>../shared/tools/namespace-graph</c> reads them, and from qualified
/// names (<c>Observability.Telemetry.DirectAuthMetrics</c>), which the tool does not see. No two folders use
/// each other, the graph has no cycle, and a folder uses only folders of a lower layer or listed before it in its own.
/// </summary>
public sealed partial class LayeringTests
{
    /// <summary>Lowest first, and within a layer in the order of use (docs/development.md). A folder not listed here (a new one) is still held to "no pair, no cycle".</summary>
    private static readonly string[][] Layers =
    [
        ["Settings", "Storage", "Security", "Http", "Observability"],
        ["Users", "Applications", "AuthorizationServers", "Groups", "Delivery", "RecoveryCodes", "Tokens", "ClientAuthentication",
            "Throttling", "Authenticators", "Policies", "Transactions", "OutOfBand", "PushProviders", "Phone", "Passkeys"],
        ["Grants"],
        ["Endpoints", "Management", "MyAccount", "MyAccountPage", "AdminConsole", "ApiReference", "Health"],
        ["Hosting", "(root)"],
    ];

    [GeneratedRegex(@"^\s*using\s+(?:static\s+)?DirectAuth\.Server\.(\w+)", RegexOptions.Multiline)]
    private static partial Regex UsingLine();

    /// <summary>Folder → the folders it uses, and for each such use the files that make it.</summary>
    private static Dictionary<string, Dictionary<string, List<string>>> Graph()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "DirectAuth.slnx"))) dir = dir.Parent;
        Assert.NotNull(dir);
        var root = Path.Combine(dir.FullName, "src", "DirectAuth.Server");
        var folders = Directory.EnumerateDirectories(root).Select(Path.GetFileName).OfType<string>()
            .Where(f => f is not ("bin" or "obj")).ToHashSet(StringComparer.Ordinal);
        var graph = new Dictionary<string, Dictionary<string, List<string>>>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories))
        {
            var parts = Path.GetRelativePath(root, path).Split(Path.DirectorySeparatorChar);
            if (parts[0] is "bin" or "obj") continue;
            var owner = parts.Length > 1 ? parts[0] : "(root)";
            var text = File.ReadAllText(path);
            var used = UsingLine().Matches(text).Select(m => m.Groups[1].Value)
                .Concat(QualifiedUses(text, folders)).Where(u => u != owner).Distinct();
            foreach (var folder in used)
            {
                var uses = graph.TryGetValue(owner, out var u) ? u : graph[owner] = new(StringComparer.Ordinal);
                (uses.TryGetValue(folder, out var files) ? files : uses[folder] = []).Add(Path.GetRelativePath(root, path));
            }
        }
        return graph;
    }

    [GeneratedRegex(@"(?<![\w.])(?:DirectAuth\.Server\.)?(\w+)\.(?=[A-Z])")]
    private static partial Regex QualifiedName();

    /// <summary>
    /// Folders a file names by a qualified name instead of a <c>using</c> line (<c>Observability.Telemetry.X</c> inside
    /// namespace DirectAuth.Server.Y): the tool does not see these, so the test does. Comments and using/namespace lines
    /// are skipped.
    /// </summary>
    private static IEnumerable<string> QualifiedUses(string text, HashSet<string> folders) =>
        text.Split('\n')
            .Select(line => line.Contains("//", StringComparison.Ordinal) ? line[..line.IndexOf("//", StringComparison.Ordinal)] : line)
            .Where(line => !line.TrimStart().StartsWith("using ", StringComparison.Ordinal) && !line.TrimStart().StartsWith("namespace ", StringComparison.Ordinal))
            .SelectMany(line => QualifiedName().Matches(line).Select(m => m.Groups[1].Value))
            .Where(folders.Contains);

    private static bool Uses(Dictionary<string, Dictionary<string, List<string>>> graph, string a, string b) =>
        graph.TryGetValue(a, out var uses) && uses.ContainsKey(b);

    [Fact]
    public void No_two_folders_use_each_other()
    {
        var graph = Graph();
        var pairs = graph.Keys.SelectMany(a => graph[a].Keys.Where(b => string.CompareOrdinal(a, b) < 0 && Uses(graph, b, a))
                .Select(b => $"{a} <-> {b} ({string.Join(", ", graph[a][b])} / {string.Join(", ", graph[b][a])})"))
            .ToList();
        Assert.True(pairs.Count == 0, "Folders that use each other:\n" + string.Join("\n", pairs));
    }

    [Fact]
    public void The_folder_graph_has_no_cycle()
    {
        var graph = Graph();
        var done = new HashSet<string>();
        var path = new List<string>();
        string? cycle = null;

        void Visit(string folder)
        {
            if (cycle is not null || done.Contains(folder)) return;
            var at = path.IndexOf(folder);
            if (at >= 0)
            {
                cycle = string.Join(" -> ", path.Skip(at).Append(folder));
                return;
            }
            path.Add(folder);
            foreach (var used in graph.TryGetValue(folder, out var uses) ? uses.Keys.ToList() : []) Visit(used);
            path.RemoveAt(path.Count - 1);
            done.Add(folder);
        }

        foreach (var folder in graph.Keys.Order(StringComparer.Ordinal)) Visit(folder);
        Assert.True(cycle is null, "Cycle: " + cycle);
    }

    [Fact]
    public void A_folder_uses_only_its_own_or_lower_layers()
    {
        var layerOf = Layers.SelectMany((folders, i) => folders.Select(f => (f, i))).ToDictionary(x => x.f, x => x.i);
        var upward = Graph()
            .Where(g => layerOf.ContainsKey(g.Key))
            .SelectMany(g => g.Value.Where(u => layerOf.TryGetValue(u.Key, out var l) && l > layerOf[g.Key])
                .Select(u => $"{g.Key} (layer {layerOf[g.Key]}) uses {u.Key} (layer {layerOf[u.Key]}): {string.Join(", ", u.Value)}"))
            .ToList();
        Assert.True(upward.Count == 0, "Uses of a higher layer:\n" + string.Join("\n", upward));
    }

    [Fact]
    public void Within_a_layer_a_folder_uses_only_folders_listed_before_it()
    {
        var order = Layers.SelectMany(folders => folders).Select((f, i) => (f, i)).ToDictionary(x => x.f, x => x.i);
        var backward = Graph()
            .Where(g => order.ContainsKey(g.Key))
            .SelectMany(g => g.Value.Where(u => order.TryGetValue(u.Key, out var i) && i > order[g.Key])
                .Select(u => $"{g.Key} uses {u.Key}, listed after it: {string.Join(", ", u.Value)}"))
            .ToList();
        Assert.True(backward.Count == 0, "Uses against the order of the layers (move the type, or the folder in the list if nothing uses it back):\n"
            + string.Join("\n", backward));
    }
}
