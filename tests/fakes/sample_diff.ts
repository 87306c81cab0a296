/**
 * A diff the fakes' own tests seed, so that what is a line of the diff is the same in each.
 * @module
 */

/**
 * `a.ts` with one hunk: old line 2 replaced, a line added. New lines 2 and 3 are added, 1 and 4
 * are context; old line 2 is deleted.
 */
export const A_TS_DIFF = `diff --git a/a.ts b/a.ts
index 1..2 100644
--- a/a.ts
+++ b/a.ts
@@ -1,3 +1,4 @@
 one
-two
+TWO
+three
 four
`;
