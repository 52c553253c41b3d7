#nullable enable
using System;
using System.IO;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace NanoBackprop.Emulator.Tests
{
    /// <summary>
    /// The one rule for tests that need the emulator folder (linked into NanoBackprop.Tests and
    /// NanoBackprop.Boards.Tests too): without it a test is skipped (inconclusive) with the
    /// instructions, and fails instead when <see cref="Variable"/> is set, as .ci/run sets it.
    /// </summary>
    internal static class EmulatorRequirement
    {
        /// <summary>Set (to anything) by .ci/run: a missing emulator then fails the tests instead of skipping them.</summary>
        public const string Variable = "NANOBACKPROP_REQUIRE_EMULATOR";

        /// <summary>The emulator folder (with board-libraries/ when <paramref name="boardLibraries"/>), or the calling test ends.</summary>
        public static NanoFrameworkHome Home(bool boardLibraries = false)
        {
            NanoFrameworkHome? home = NanoFrameworkHome.Find();
            string? why = NanoFrameworkHome.WhyUnavailable(home);
            if (why == null && boardLibraries && !Directory.Exists(home!.BoardLibraries))
            {
                why = home.BoardLibraries + " is missing: it holds the hardware libraries (GPIO, ADC, I2C, BME280, ESP32) the board apps compile against";
            }

            if (why != null)
            {
                Unavailable(why);
            }

            return home!;
        }

        /// <summary>Ends the calling test: skipped with <paramref name="why"/>, or failed under CI.</summary>
        public static void Unavailable(string why)
        {
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable)))
            {
                Assert.Fail(why + " (" + Variable + " is set, so this is a failure)");
            }

            Assert.Inconclusive(why);
        }
    }
}
