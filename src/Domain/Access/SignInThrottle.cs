namespace GridMap.Domain.Access;

/// <summary>
/// How GridMap slows down password guessing. Per account: the first <see cref="FreeFailures"/> wrong passwords in a row
/// are answered at once; after that each further try waits a delay that doubles (5 s, 10 s, 20 s …) and a try inside
/// the delay is refused without looking at the password; <see cref="LockAfter"/> wrong passwords in a row lock the
/// account until an administrator unlocks it. Per address: <see cref="AddressFailures"/> wrong passwords within
/// <see cref="AddressWindow"/> refuse every sign-in from it until the oldest leaves the window (a village office behind
/// one address is not locked out by one clumsy user). A right password resets the account's count.
/// </summary>
public static class SignInThrottle
{
    public const int FreeFailures = 5;
    public const int LockAfter = 10;
    public const int AddressFailures = 50;
    public static readonly TimeSpan AddressWindow = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(5);

    /// <summary>The wait after <paramref name="failures"/> wrong passwords in a row before the next try is heard.</summary>
    public static TimeSpan DelayAfter(int failures) =>
        failures < FreeFailures ? TimeSpan.Zero : FirstDelay * Math.Pow(2, Math.Min(failures - FreeFailures, 10));

    /// <summary>When the account may try again: null now, else the instant (the last failure plus its delay).</summary>
    public static DateTimeOffset? WaitUntil(int failures, DateTimeOffset? lastFailure, DateTimeOffset now) =>
        lastFailure is { } last && last + DelayAfter(failures) is var until && until > now ? until : null;

    public static bool Locks(int failures) => failures >= LockAfter;
}
