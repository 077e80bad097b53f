using System.Collections.Concurrent;

namespace DirectAuth.Server.Tests.Fuzz;

/// <summary>
/// Bounded fuzz through HttpClient: a few thousand seeded requests, valid ones to every endpoint (each grant at
/// /token, challenge, primary- and oob-authenticate, introspect, revoke, userinfo, keys, discovery, the push
/// device endpoints, every management API) mutated in forms, JSON, headers, paths, methods and query strings.
/// No answer may be a 5xx or break the wire rules (<see cref="WireRules"/>). The seed is fixed so a run can be
/// repeated; <c>DIRECTAUTH_FUZZ_SEED</c> picks another, <c>DIRECTAUTH_FUZZ_COUNT</c> another count, and a
/// failure names the seed and the index of each request that broke a rule.
/// </summary>
public sealed class HttpFuzzTests(FuzzFixture server, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<FuzzFixture>
{
    public static int Seed => int.TryParse(Environment.GetEnvironmentVariable("DIRECTAUTH_FUZZ_SEED"), out var s) ? s : 20261616;

    private static int Count => int.TryParse(Environment.GetEnvironmentVariable("DIRECTAUTH_FUZZ_COUNT"), out var c) ? c : 3000;

    [Fact]
    public async Task EveryEndpoint_SeededMutatedRequests_No5xxAndTheWireRulesKept()
    {
        var mutator = new RequestMutator(server.Values, server.DeviceJws);
        var failures = new ConcurrentBag<string>();
        var answered = new ConcurrentDictionary<string, int>(); // status class and error shape: the fuzz must reach the endpoints
        using var http = server.Factory.CreateClient(new() { AllowAutoRedirect = false, BaseAddress = new Uri("http://localhost") });
        http.Timeout = TimeSpan.FromSeconds(30);

        await Parallel.ForEachAsync(Enumerable.Range(0, Count), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (index, ct) =>
        {
            var request = mutator.Next(new Random(Seed * 31 + index));
            using var message = ToMessage(request);
            if (message is null) return; // HttpClient cannot send this combination (not the server's concern)
            try
            {
                using var response = await http.SendAsync(message, ct);
                var body = await response.Content.ReadAsStringAsync(ct);
                var problem = WireRules.Check(request.Method, request.Path, (int)response.StatusCode,
                    response.Content.Headers.ContentType?.ToString(), response.Headers.CacheControl?.ToString(), body);
                if (problem is not null) failures.Add($"#{index}: {problem}\n    {request}\n    -> {WireRules.Short(body)}");
                var kind = (int)response.StatusCode < 400 ? "success" : body.Contains("\"error\":", StringComparison.Ordinal) ? "oauth error" : "okta error";
                answered.AddOrUpdate($"{kind} {(int)response.StatusCode}", 1, (_, n) => n + 1);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failures.Add($"#{index}: the server failed: {ex.GetType().Name}: {ex.Message}\n    {request}");
            }
        });

        Assert.True(failures.IsEmpty, $"seed {Seed} ({Count} requests; DIRECTAUTH_FUZZ_SEED={Seed} repeats them): {failures.Count} broke a rule\n" +
            string.Join("\n", failures.OrderBy(f => int.Parse(f[1..f.IndexOf(':')])).Take(25)));
        // Not a vacuous pass: real successes, and both error shapes from many statuses.
        var seen = string.Join(", ", answered.OrderBy(a => a.Key).Select(a => $"{a.Key}: {a.Value}"));
        output.WriteLine($"seed {Seed}, {Count} requests: {seen}");
        Assert.True(answered.Keys.Count(k => k.StartsWith("success 200", StringComparison.Ordinal)) == 1 && answered["success 200"] >= Count / 20, seen);
        Assert.True(answered.Keys.Count(k => k.StartsWith("oauth error", StringComparison.Ordinal)) >= 4, seen);
        Assert.True(answered.Keys.Count(k => k.StartsWith("okta error", StringComparison.Ordinal)) >= 4, seen);
    }

    private static HttpRequestMessage? ToMessage(FuzzRequest request)
    {
        // TestHost's client handler cannot carry a path that decodes to NUL (it throws before the server sees the
        // request); Kestrel answers such a path itself, before any DirectAuth code runs.
        if (request.Path.Split('?')[0].Contains("%00", StringComparison.Ordinal)) return null;
        try
        {
            var message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri("http://localhost" + request.Path));
            if (request.Body is not null)
            {
                message.Content = new ByteArrayContent(request.Body);
                if (request.ContentType is not null) message.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
            }
            foreach (var (name, value) in request.Headers)
            {
                if (name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase))
                    message.Content?.Headers.TryAddWithoutValidation(name, value);
                else
                    message.Headers.TryAddWithoutValidation(name, value);
            }
            return message;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }
}
