using System.Text.Json;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.Phone;

namespace DirectAuth.Server.Tests.Management;

/// <summary>Profile <c>mobilePhone</c> is kept in E.164 form, like factor numbers.</summary>
public sealed class UserMobilePhoneTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Create_SpacesAndDashes_StoredInE164()
    {
        var id = await server.CreateUserAsync("mobile-create@example.com", mobilePhone: "+1 555-123 4567");

        var (_, user) = await server.GetJsonAsync($"/api/v1/users/{id}");

        Assert.Equal("+15551234567", user.GetProperty("profile").GetProperty("mobilePhone").GetString());
    }

    [Fact]
    public async Task Update_Parentheses_StoredInE164()
    {
        var id = await server.CreateUserAsync("mobile-update@example.com");

        var (status, body) = await server.SendAsync(HttpMethod.Post, $"/api/v1/users/{id}",
            new { profile = new { mobilePhone = "+44 (20) 7946-0958" } });

        Assert.Equal(200, status);
        var (_, fetched) = await server.GetJsonAsync($"/api/v1/users/{id}");
        foreach (var user in new[] { body, fetched })
            Assert.Equal("+442079460958", user.GetProperty("profile").GetProperty("mobilePhone").GetString());
    }

    [Theory]
    [InlineData("555 123 4567")] // national, and no Phone:DefaultRegion
    [InlineData("call me")]
    [InlineData("+1 555 123 4567 8")]
    public async Task CreateAndUpdate_NotAPhoneNumber_400NamingTheField(string value)
    {
        var login = $"mobile-bad-{Guid.NewGuid():N}@example.com";
        var (createStatus, created) = await server.SendAsync(HttpMethod.Post, "/api/v1/users",
            new { profile = new { login, email = login, firstName = "A", lastName = "B", mobilePhone = value } });
        AssertFieldRefused(createStatus, created);

        var id = await server.CreateUserAsync("ok-" + login, mobilePhone: "+15551234567");
        var (updateStatus, updated) = await server.SendAsync(HttpMethod.Post, $"/api/v1/users/{id}", new { profile = new { mobilePhone = value } });
        AssertFieldRefused(updateStatus, updated);
        var (_, user) = await server.GetJsonAsync($"/api/v1/users/{id}");
        Assert.Equal("+15551234567", user.GetProperty("profile").GetProperty("mobilePhone").GetString());
    }

    private static void AssertFieldRefused(int status, JsonElement body)
    {
        Assert.True(status == 400, $"expected 400, got {status} {body}");
        Assert.Equal("E0000001", body.GetProperty("errorCode").GetString());
        Assert.StartsWith("mobilePhone: ", body.GetProperty("errorCauses")[0].GetProperty("errorSummary").GetString(), StringComparison.Ordinal);
    }
}

/// <summary>With <c>Phone:DefaultRegion</c> a national mobilePhone is read in that region.</summary>
public sealed class UserMobilePhoneRegionTests(UsRegionServer server) : IClassFixture<UsRegionServer>
{
    [Fact]
    public async Task Create_NationalNumber_StoredInE164()
    {
        var id = await server.CreateUserAsync("mobile-national@example.com", mobilePhone: "555 123 4567");

        var (_, user) = await server.GetJsonAsync($"/api/v1/users/{id}");

        Assert.Equal("+15551234567", user.GetProperty("profile").GetProperty("mobilePhone").GetString());
    }
}
