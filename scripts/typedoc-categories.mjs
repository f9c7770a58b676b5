// A TypeDoc plugin: files every documented export under the concept its source folder holds
// (kernel, world, faults, …), so the API docs read by concept rather than as one long list of
// classes and functions. An explicit `@category` tag in a comment wins.
import { Comment, CommentTag, Converter, ReflectionKind } from 'typedoc';

const categoryByFolder = [
  ['src/kernel/', 'Kernel'],
  ['src/world/', 'World'],
  ['src/simulation.ts', 'World'],
  ['src/faults/', 'Faults'],
  ['src/detectors/', 'Failure detectors'],
  ['src/observe/', 'Observe'],
  ['src/patterns/', 'Recover'],
  ['src/consistency/', 'Reconcile'],
  ['src/history/', 'Histories and linearizability'],
  ['src/linearizability/', 'Histories and linearizability'],
  ['src/check/', 'Property testing'],
  ['src/report/', 'Reports'],
  ['src/errors.ts', 'Errors'],
];

export const categoryOrder = [...new Set(categoryByFolder.map(([, category]) => category)), 'Other'];

function categoryOf(fileName) {
  const normalised = fileName.replaceAll('\\', '/');
  for (const [folder, category] of categoryByFolder) if (normalised.includes(folder)) return category;
  return 'Other';
}

/** @param {import('typedoc').Application} app */
export function load(app) {
  // Runs before TypeDoc's own CategoryPlugin (priority -200), which reads the tags added here.
  app.converter.on(Converter.EVENT_RESOLVE_END, (context) => {
    const project = context.project;
    for (const module of [project, ...project.getReflectionsByKind(ReflectionKind.SomeModule)]) {
      for (const child of module.children ?? []) {
        if (child.comment?.getTag('@category')) continue;
        const fileName = project.getSymbolIdFromReflection(child)?.fileName;
        if (fileName === undefined) continue;
        child.comment ??= new Comment();
        child.comment.blockTags.push(new CommentTag('@category', [{ kind: 'text', text: categoryOf(fileName) }]));
      }
    }
  }, 100);
}
