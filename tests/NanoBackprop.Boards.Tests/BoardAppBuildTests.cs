using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoBackprop.Emulator;

namespace NanoBackprop.Boards.Tests
{
    /// <summary>
    /// Every board app (each boards/*/ folder with an .nfproj) compiled as its .nfproj says: the
    /// sources it lists, C# 10, against the real mscorlib and the hardware libraries in the emulator
    /// folder (board-libraries/), then the metadata processor. A board that does not build fails here
    /// with the compiler's or the processor's message.
    /// </summary>
    [TestClass]
    public sealed class BoardAppBuildTests
    {
        /// <summary>Each board's project file, relative to the repository root.</summary>
        public static IEnumerable<object[]> BoardProjects
        {
            get
            {
                string boards = Path.Combine(BoardOnNanoClrTests.RepositoryRoot(), "boards");
                return Directory.EnumerateFiles(boards, "*.nfproj", SearchOption.AllDirectories)
                    .Select(path => Path.GetRelativePath(BoardOnNanoClrTests.RepositoryRoot(), path).Replace('\\', '/'))
                    .Where(path => !path.Contains("/bin/", StringComparison.Ordinal) && !path.Contains("/obj/", StringComparison.Ordinal))
                    .OrderBy(path => path, StringComparer.Ordinal)
                    .Select(path => new object[] { path });
            }
        }

        private static NanoProjectBuilder sharedBuilder;

        // One builder for every board: the library and the hardware libraries they share are built
        // (and run through the metadata processor) once per test run.
        private static NanoProjectBuilder SharedBuilder(NanoFrameworkHome home)
        {
            if (sharedBuilder == null)
            {
                string folder = Path.Combine(AppContext.BaseDirectory, "nanoframework-build", "boards");
                if (Directory.Exists(folder))
                {
                    Directory.Delete(folder, recursive: true);
                }

                sharedBuilder = new NanoProjectBuilder(home, folder);
            }

            return sharedBuilder;
        }

        [TestMethod]
        public void ThereAreTwoBoards()
        {
            CollectionAssert.AreEqual(
                new[] { "boards/esp32-devkitc/NanoBackprop.Esp32DevKitC.nfproj", "boards/esp32-s3-devkitc/NanoBackprop.Esp32S3DevKitC.nfproj" },
                BoardProjects.Select(row => (string)row[0]).ToArray());
        }

        [TestMethod]
        [DynamicData(nameof(BoardProjects))]
        public void TheBoardAppCompilesWithoutWarningsAndBecomesADeployableSetOfPeFiles(string project)
        {
            NanoFrameworkHome home = BoardOnNanoClrTests.RequireEmulator(requireBoardLibraries: true);
            BuiltProject app = SharedBuilder(home).Build(Path.Combine(BoardOnNanoClrTests.RepositoryRoot(), project));
            Assert.IsEmpty(app.Warnings, string.Join("\n", app.Warnings));
            Assert.AreEqual(Path.GetFileNameWithoutExtension(project), app.Assembly.Name);
            Assert.IsTrue(app.Assembly.Dll.EndsWith(".exe", StringComparison.Ordinal), "a board app is an executable");
            foreach (NanoAssembly assembly in app.LoadSet)
            {
                Assert.IsTrue(File.Exists(assembly.Pe), assembly.Name + " has no .pe");
                Assert.IsGreaterThan(0L, new FileInfo(assembly.Pe).Length);
            }

            // The app, the library, mscorlib and the hardware libraries its .nfproj references.
            CollectionAssert.IsSubsetOf(new[] { "mscorlib", "NanoBackprop", "Iot.Device.Bmxx80", "System.Device.Gpio", "nanoFramework.Hardware.Esp32", app.Assembly.Name },
                app.LoadSet.Select(a => a.Name).ToArray());
        }
    }
}
