namespace GridMap.Testing;

/// <summary>Temporary folders the tests make and remove.</summary>
public static class TempFolders
{
    /// <summary>
    /// Removes a folder a disposed host wrote into. A tile cache's SQLite files can still be closing for a moment
    /// after the host stops, so a folder that is not yet empty is retried; one that still resists is left in the
    /// temporary directory, which is cleanup and not something any test asserts.
    /// </summary>
    public static async Task DeleteAsync(string folder)
    {
        for (var attempt = 1; Directory.Exists(folder); attempt++)
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (Exception e) when ((e is IOException or UnauthorizedAccessException) && attempt < 10)
            {
                await Task.Delay(100 * attempt);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"left {folder}: {e.Message}");
                return;
            }
        }
    }
}
