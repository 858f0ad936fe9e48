using System.Net;
using Pixelated.ZepEmulator.Tests.Infrastructure;

namespace Pixelated.ZepEmulator.Tests;

public sealed class Rate_limiting
{
    // 10 s into a minute: the window ends 50 s later.
    private static readonly DateTimeOffset TenSecondsIntoAMinute = new(2026, 8, 17, 12, 0, 10, TimeSpan.Zero);
    private static readonly long WindowEnd = new DateTimeOffset(2026, 8, 17, 12, 1, 0, TimeSpan.Zero).ToUnixTimeSeconds();

    public static TheoryData<string, string, string?, HttpStatusCode> Requests => new()
    {
        { "POST", "api/v2/users", """{"user_id":"alice"}""", HttpStatusCode.Created },
        { "GET", "api/v2/users/nobody", null, HttpStatusCode.NotFound },
        { "POST", "api/v2/users", "{bad", HttpStatusCode.BadRequest },
        { "GET", "api/v2/threads/x", null, HttpStatusCode.MethodNotAllowed },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Every_response_carries_the_rate_limit_headers(string method, string path, string? body, HttpStatusCode expected)
    {
        await using var emulator = await TestEmulator.StartAsync(requestsPerMinute: 100, clock: new ManualClock(TenSecondsIntoAMinute));

        var response = await emulator.SendAsync(new HttpMethod(method), "/" + path, body);

        Assert.Equal(expected, response.Status);
        Assert.Equal("100", response.Header("X-RateLimit-Limit"));
        Assert.Equal("99", response.Header("X-RateLimit-Remaining"));
        Assert.Equal(WindowEnd.ToString(), response.Header("X-RateLimit-Reset"));
        Assert.Equal("1", response.Header("X-RateLimit-Increment"));
    }

    [Fact]
    public async Task A_401_also_carries_the_rate_limit_headers()
    {
        await using var emulator = await TestEmulator.StartAsync(requestsPerMinute: 100, clock: new ManualClock(TenSecondsIntoAMinute));

        var response = await emulator.SendAsync(HttpMethod.Get, "api/v2/users-ordered", null, emulator.Raw);

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal("100", response.Header("X-RateLimit-Limit"));
        Assert.Equal("1", response.Header("X-RateLimit-Increment"));
        Assert.NotNull(response.Header("X-RateLimit-Reset"));
    }

    [Fact]
    public async Task Unlimited_mode_reports_int_max_as_limit_and_remaining()
    {
        await using var emulator = await TestEmulator.StartAsync(requestsPerMinute: 0);

        var response = await emulator.GetAsync("users-ordered");

        Assert.Equal(int.MaxValue.ToString(), response.Header("X-RateLimit-Limit"));
        Assert.Equal(int.MaxValue.ToString(), response.Header("X-RateLimit-Remaining"));
        Assert.Equal("1", response.Header("X-RateLimit-Increment"));
    }

    [Fact]
    public async Task Going_over_the_limit_answers_429_with_retry_after_until_the_window_ends()
    {
        var clock = new ManualClock(TenSecondsIntoAMinute);
        await using var emulator = await TestEmulator.StartAsync(requestsPerMinute: 5, clock: clock);
        var remaining = new List<string?>();
        for (var i = 0; i < 5; i++)
        {
            var ok = await emulator.GetAsync("users-ordered");
            Assert.Equal(HttpStatusCode.OK, ok.Status);
            remaining.Add(ok.Header("X-RateLimit-Remaining"));
        }

        var refused = await emulator.GetAsync("users-ordered");

        Assert.Equal(["4", "3", "2", "1", "0"], remaining);
        refused.AssertZepError(HttpStatusCode.TooManyRequests);
        Assert.Equal("50", refused.Header("Retry-After"));
        Assert.Equal("0", refused.Header("X-RateLimit-Remaining"));
        Assert.Equal("5", refused.Header("X-RateLimit-Limit"));
        Assert.Equal(WindowEnd.ToString(), refused.Header("X-RateLimit-Reset"));
        Assert.Equal("1", refused.Header("X-RateLimit-Increment"));

        clock.Advance(TimeSpan.FromSeconds(50));
        var nextWindow = await emulator.GetAsync("users-ordered");
        Assert.Equal(HttpStatusCode.OK, nextWindow.Status);
        Assert.Equal("4", nextWindow.Header("X-RateLimit-Remaining"));
    }

    [Fact]
    public async Task A_refused_write_is_not_applied()
    {
        await using var emulator = await TestEmulator.StartAsync(requestsPerMinute: 1, clock: new ManualClock(TenSecondsIntoAMinute));
        await emulator.CreateUserAsync("alice");

        var refused = await emulator.PostAsync("users", new { user_id = "bob" });

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.Status);
        Assert.False(emulator.Store.UserExists("bob"));
    }

    [Fact]
    public async Task Retry_after_is_at_least_one_second()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 8, 17, 12, 0, 59, 900, TimeSpan.Zero));
        await using var emulator = await TestEmulator.StartAsync(requestsPerMinute: 1, clock: clock);
        await emulator.GetAsync("users-ordered");

        var refused = await emulator.GetAsync("users-ordered");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.Status);
        Assert.Equal("1", refused.Header("Retry-After"));
    }
}
