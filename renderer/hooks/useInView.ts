import { useEffect, useState, type RefObject } from 'react';

type Callback = (visible: boolean) => void;
const callbacks = new WeakMap<Element, Callback>();
let observer: IntersectionObserver | null = null;

/** One observer for every card: a thousand observers would cost more than the thumbnails. */
function sharedObserver(): IntersectionObserver {
  observer ??= new IntersectionObserver(
    (entries) => {
      for (const entry of entries) callbacks.get(entry.target)?.(entry.isIntersecting);
    },
    { rootMargin: '300px 0px' },
  );
  return observer;
}

/** Becomes true once the element comes near the viewport, and stays true. */
export function useSeenOnce(ref: RefObject<Element | null>): boolean {
  const [seen, setSeen] = useState(false);
  useEffect(() => {
    const element = ref.current;
    if (!element || seen) return;
    const io = sharedObserver();
    callbacks.set(element, (visible) => visible && setSeen(true));
    io.observe(element);
    return () => {
      io.unobserve(element);
      callbacks.delete(element);
    };
  }, [ref, seen]);
  return seen;
}
