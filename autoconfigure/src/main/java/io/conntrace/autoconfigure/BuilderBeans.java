package io.conntrace.autoconfigure;

import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.type.MethodMetadata;

/**
 * Tells Boot's client builder beans, which conntrace customizes through Boot's own customizers, from an
 * application's, which replace them and which those customizers never reach: by the class that declares the
 * factory method that made the bean (its bean name depends on the application's bean name generator).
 */
public final class BuilderBeans {

	private BuilderBeans() {
	}

	/**
	 * Return whether a bean was made by a factory method of one of the given configuration classes.
	 * @param beanFactory the bean factory, {@code null} if unknown
	 * @param beanName the bean's name
	 * @param configurations the configuration classes' names
	 * @return whether one of them made it
	 */
	public static boolean madeBy(@Nullable BeanFactory beanFactory, String beanName, Set<String> configurations) {
		if (!(beanFactory instanceof ConfigurableListableBeanFactory listable)
				|| !listable.containsBeanDefinition(beanName)
				|| !(listable.getBeanDefinition(beanName) instanceof AnnotatedBeanDefinition definition)) {
			return false;
		}
		MethodMetadata factoryMethod = definition.getFactoryMethodMetadata();
		return factoryMethod != null && configurations.contains(factoryMethod.getDeclaringClassName());
	}

}
